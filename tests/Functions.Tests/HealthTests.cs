using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Tests;

public class HealthTests
{
    private sealed class FakeCheck(string name, Exception? failure = null, bool hang = false) : IDependencyCheck
    {
        public string Name => name;

        public async Task ProbeAsync(CancellationToken cancellationToken)
        {
            if (hang) await Task.Delay(Timeout.Infinite, cancellationToken);
            if (failure is not null) throw failure;
        }
    }

    private static async Task<TestHttp.Written> Run(params IDependencyCheck[] checks)
    {
        var request = TestHttp.Get("/api/health");
        var health = new Health(checks, new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero)), NullLogger<Health>.Instance);
        return await TestHttp.ExecuteAsync(await health.Run(request, CancellationToken.None), request);
    }

    [Fact]
    public async Task AllDependenciesUp_Is200WithEachStatus()
    {
        var written = await Run(new FakeCheck("tables"), new FakeCheck("queues"));
        Assert.Equal(200, written.Status);
        Assert.Equal("up", written.Json.GetProperty("status").GetString());
        Assert.Equal("up", written.Json.GetProperty("dependencies").GetProperty("tables").GetString());
        Assert.Equal("up", written.Json.GetProperty("dependencies").GetProperty("queues").GetString());
    }

    [Fact]
    public async Task OneDependencyDown_Is503WithRetryAfter_AndNoErrorText()
    {
        var written = await Run(new FakeCheck("tables"), new FakeCheck("queues", new RequestFailedException(0, "refused 127.0.0.1:10001")));
        Assert.Equal(503, written.Status);
        Assert.False(string.IsNullOrEmpty(written.Headers.RetryAfter.ToString()));
        Assert.Equal("down", written.Json.GetProperty("dependencies").GetProperty("queues").GetString());
        Assert.Equal("up", written.Json.GetProperty("dependencies").GetProperty("tables").GetString());
        Assert.DoesNotContain("10001", written.Body);
    }

    [Fact]
    public async Task HangingDependency_CountsAsDownWithinTheProbeTimeout()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var written = await Run(new FakeCheck("tables", hang: true));
        Assert.Equal(503, written.Status);
        Assert.True(started.Elapsed < Health.ProbeTimeout + TimeSpan.FromSeconds(5));
    }
}
