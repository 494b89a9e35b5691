using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RpsServerless.Functions;
using RpsServerless.DevHost;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Integration.Tests;

/// <summary><see cref="ApiEndpoint"/> from the composition over the real table store: what a resource function gets.</summary>
[Collection(StorageCollection.Name)]
public class IdempotentPostTests(StorageFixture storage)
{
    private sealed record Submission(string SiteId);

    private HttpRequest Post(string body, string key)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + storage.SigningKey.CreateToken(DevelopmentCaller.Of(Role.Coordinator, "PKUIH"),
            DevelopmentSigningKey.DefaultAudience, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        context.Request.Method = "POST";
        context.Request.Path = "/api/screenings";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.Headers["Idempotency-Key"] = key;
        return context.Request;
    }

    [Fact]
    public async Task ConcurrentPostsWithOneKey_RunTheWorkflowOnce_AndRetriesReplayIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([
                new(StorageConnection.SettingName, storage.ConnectionString),
                new("Auth:Audience", DevelopmentSigningKey.DefaultAudience),
            ]).Build();
        await using var services = new ServiceCollection().AddLogging().AddRpsServerless(configuration)
            .UseDevelopmentSigningKeys(configuration, DevelopmentSigningKey.Issuer, storage.SigningKey.PublicKey)
            .BuildServiceProvider();
        var endpoint = services.GetRequiredService<ApiEndpoint>();
        var key = "it-" + Guid.NewGuid().ToString("N");
        var executions = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<ApiResponse> Submit(CallerContext caller, Submission submission, CancellationToken _)
        {
            if (caller.RequireSite(submission.SiteId) is { } denied)
                return denied;
            var number = Interlocked.Increment(ref executions);
            await gate.Task;
            return ApiResponse.Created($"/api/screenings/scr_{number}", new { screeningId = $"scr_{number}", submission.SiteId });
        }

        var requests = Enumerable.Range(0, 6)
            .Select(_ => endpoint.PostJsonAsync<Submission>(Post("""{"siteId":"PKUIH"}""", key), Submit, CancellationToken.None))
            .ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(requests.Count(r => r.IsCompleted) == 5), TimeSpan.FromSeconds(20),
            "all but one request were answered while the first ran");
        gate.SetResult();
        var responses = (await Task.WhenAll(requests)).Cast<ApiResponse>().ToList();

        Assert.Equal(1, executions);
        var created = Assert.Single(responses, response => response.StatusCode == 201);
        Assert.All(responses.Where(response => response != created), response => Assert.Equal(409, response.StatusCode));

        var retry = (ApiResponse)await endpoint.PostJsonAsync<Submission>(Post("""{"siteId":"PKUIH"}""", key), Submit, CancellationToken.None);
        Assert.Equal(201, retry.StatusCode);
        Assert.Equal(created.BodyText, retry.BodyText);
        Assert.Equal(created.Headers["Location"], retry.Headers["Location"]);

        var conflicting = (ApiResponse)await endpoint.PostJsonAsync<Submission>(Post("""{"siteId":"OTHER"}""", key), Submit, CancellationToken.None);
        Assert.Equal(409, conflicting.StatusCode);
        Assert.Equal(1, executions);
    }
}
