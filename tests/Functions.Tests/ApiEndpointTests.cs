using System.Net.Http;
using System.Net.Sockets;
using Azure;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Tests;

public class ApiEndpointTests
{
    private sealed record Thing(string Name, int Count);

    private readonly InMemoryIdempotencyStore _store = new();
    private int _executions;

    private Task<Microsoft.AspNetCore.Http.IResult> PostThing(string json, string? key = null, Func<Thing, Task<ApiResponse>>? handle = null)
    {
        var request = TestHttp.Post("/api/things", json, idempotencyKey: key);
        return TestEndpoint.Create(_store).PostJsonAsync<Thing>(request, async (thing, _) =>
        {
            Interlocked.Increment(ref _executions);
            return handle is null ? ApiResponse.Created($"/api/things/{thing.Name}", new { thing.Name, Number = _executions }) : await handle(thing);
        }, CancellationToken.None);
    }

    [Fact]
    public async Task SameKeySameBody_ReplaysTheOriginalStatusAndBody()
    {
        var first = (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi();
        var second = (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi();

        Assert.Equal(1, _executions);
        Assert.Equal(201, second.StatusCode);
        Assert.Equal(first.BodyText, second.BodyText);
        Assert.Equal("/api/things/a", second.Headers["Location"]);
        Assert.Equal("true", second.Headers["Idempotent-Replayed"]);
    }

    [Fact]
    public async Task SameKeyDifferentBody_Is409()
    {
        await PostThing("""{"name":"a","count":1}""", "key-1");
        var second = (await PostThing("""{"name":"a","count":2}""", "key-1")).AsApi();
        Assert.Equal(409, second.StatusCode);
        Assert.Contains(ProblemTypes.IdempotencyKeyReused, second.BodyText);
        Assert.Equal(1, _executions);
    }

    [Fact]
    public async Task WithoutKey_EveryRequestRuns()
    {
        await PostThing("""{"name":"a","count":1}""");
        await PostThing("""{"name":"a","count":1}""");
        Assert.Equal(2, _executions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("ключ")]
    public async Task InvalidKey_Is400(string key)
    {
        var response = (await PostThing("""{"name":"a","count":1}""", key)).AsApi();
        Assert.Equal(400, response.StatusCode);
        Assert.Contains("Idempotency-Key", response.BodyText);
        Assert.Equal(0, _executions);
    }

    [Fact]
    public async Task KeyOf101Characters_Is400_And100IsFine()
    {
        Assert.Equal(400, (await PostThing("""{"name":"a","count":1}""", new string('k', 101))).AsApi().StatusCode);
        Assert.Equal(201, (await PostThing("""{"name":"a","count":1}""", new string('k', 100))).AsApi().StatusCode);
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneKey_RunOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = PostThing("""{"name":"a","count":1}""", "key-1", async thing =>
        {
            await release.Task;
            return ApiResponse.Created("/api/things/a", thing);
        });
        var second = (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi();
        release.SetResult();
        var firstResponse = (await first).AsApi();

        Assert.Equal(1, _executions);
        Assert.Equal(201, firstResponse.StatusCode);
        Assert.Equal(409, second.StatusCode);
        Assert.True(second.Headers.ContainsKey("Retry-After"));

        var third = (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi();
        Assert.Equal(firstResponse.BodyText, third.BodyText);
    }

    [Fact]
    public async Task InvalidJson_Is400_AndIsReplayedAsSuch()
    {
        var first = (await PostThing("""{"name":"a","count":"many"}""", "key-1")).AsApi();
        Assert.Equal(400, first.StatusCode);
        Assert.Contains("\"count\"", first.BodyText);
        Assert.Equal(400, (await PostThing("""{"name":"a","count":"many"}""", "key-1")).AsApi().StatusCode);
        Assert.Equal(0, _executions);
    }

    [Fact]
    public async Task EmptyBody_WhereJsonIsRequired_Is400()
    {
        var response = (await PostThing("")).AsApi();
        Assert.Equal(400, response.StatusCode);
    }

    public static TheoryData<Exception> Unavailable => new()
    {
        new RequestFailedException(0, "connection refused"),
        new RequestFailedException(503, "server busy"),
        new RequestFailedException(500, "internal"),
        new HttpRequestException("reset", new SocketException(104)),
        new TimeoutException(),
        new TaskCanceledException("timeout", new TimeoutException()),
        new AggregateException(new RequestFailedException(0, "a"), new HttpRequestException("b")),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task StorageUnavailable_Is503WithRetryAfter_AndTheKeyIsReleased(Exception failure)
    {
        var response = (await PostThing("""{"name":"a","count":1}""", "key-1", _ => throw failure)).AsApi();

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("5", response.Headers["Retry-After"]);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal(1, _store.Releases);
        // The retry runs again instead of replaying the failure.
        Assert.Equal(201, (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi().StatusCode);
    }

    [Fact]
    public async Task IdempotencyStoreUnavailable_Is503()
    {
        _store.FailWith = new RequestFailedException(0, "connection refused");
        var response = (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi();
        Assert.Equal(503, response.StatusCode);
        Assert.Equal(0, _executions);
    }

    [Fact]
    public async Task StorageLostAfterTheWorkWasDone_TheCallerStillGetsItsAnswer()
    {
        _store.FailCompletionWith = new RequestFailedException(0, "connection refused");
        var response = (await PostThing("""{"name":"a","count":1}""", "key-1")).AsApi();
        Assert.Equal(201, response.StatusCode);
        Assert.Equal(1, _executions);
    }

    [Fact]
    public async Task UnexpectedFailure_Is500WithoutInternals()
    {
        var response = (await PostThing("""{"name":"a","count":1}""", "key-1",
            _ => throw new RequestFailedException(403, "AuthorizationFailure AccountKey=secret"))).AsApi();
        Assert.Equal(500, response.StatusCode);
        Assert.DoesNotContain("secret", response.BodyText);
        Assert.DoesNotContain("AuthorizationFailure", response.BodyText);
        Assert.DoesNotContain("RpsServerless.", response.BodyText);
    }

    [Fact]
    public async Task Get_MapsStorageUnavailableTo503()
    {
        var request = TestHttp.Get("/api/things/a");
        var result = await TestEndpoint.Create(_store).GetAsync(request, _ => throw new RequestFailedException(0, "down"), CancellationToken.None);
        var written = await TestHttp.ExecuteAsync(result, request);
        Assert.Equal(503, written.Status);
        Assert.Equal("5", written.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task OversizedBody_Is413BeforeAnythingRuns()
    {
        var response = (await PostThing("""{"name":"X""" + new string('x', RequestBody.MaxBytes) + "\",\"count\":1}", "key-1")).AsApi();
        Assert.Equal(413, response.StatusCode);
        Assert.Equal(0, _executions);
    }
}
