using Microsoft.Extensions.Configuration;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RpsServerless.DevHost;

namespace RpsServerless.Integration.Tests;

[Collection(StorageCollection.Name)]
public class DevHostTests(StorageFixture storage)
{
    [Fact]
    public async Task Health_IsUp_EndToEnd()
    {
        using var response = await storage.Http.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("up", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("up", json.RootElement.GetProperty("dependencies").GetProperty("tables").GetString());
        Assert.Equal("up", json.RootElement.GetProperty("dependencies").GetProperty("queues").GetString());
    }

    [Fact]
    public async Task StorageDown_HealthIs503WithRetryAfter_AndBackTo200WhenItReturns()
    {
        await storage.StopStorageAsync();
        try
        {
            using var down = await storage.Http.GetAsync("api/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.NotNull(down.Headers.RetryAfter);
            using var json = JsonDocument.Parse(await down.Content.ReadAsStringAsync());
            Assert.Equal("down", json.RootElement.GetProperty("status").GetString());
        }
        finally
        {
            await storage.RestartStorageAsync();
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var up = await storage.Http.GetAsync("api/health");
            return up.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "health is 200 again");
    }

    [Fact]
    public async Task AFunctionDisabledByAppSetting_IsLeftOut_AsOnTheFunctionsHost()
    {
        await using var devHost = await DevHostApplication.StartAsync(new DevHostOptions
        {
            Port = 0,
            Args = ["--AzureWebJobsStorage", storage.ConnectionString, "--AzureWebJobs.Health.Disabled", "true",
                "--AzureWebJobs:OnParticipantEvent:Disabled", "True", "--AzureWebJobs.OnNotification.Disabled", "false"],
            SigningKey = storage.SigningKey,
            RunQueueTriggers = false,
            RunTimerTriggers = false,
        });
        using var http = new HttpClient { BaseAddress = devHost.BaseAddress };

        Assert.DoesNotContain(devHost.Functions, f => f.Name is "Health" or "OnParticipantEvent");
        Assert.Contains(devHost.Functions, f => f.Name == "OnNotification");
        using var health = await http.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
    }

    [Fact]
    public async Task RoutesComeFromFunctionsMetadata()
    {
        Assert.Contains(storage.DevHost.Functions, f => f is { Name: "Health", Trigger: FunctionTrigger.Http, Route: "health" });
        Assert.Contains(storage.DevHost.Functions, f => f is { Name: "PurgeIdempotencyRecords", Trigger: FunctionTrigger.Timer });
        using var unknown = await storage.Http.GetAsync("api/no-such-route");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var wrongMethod = await storage.Http.PostAsync("api/health", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }

    [Fact]
    public void HostJson_GivesTheQueueSemantics()
    {
        var settings = HostSettings.Load(Path.Combine(AppContext.BaseDirectory, HostSettings.FileName));
        Assert.Equal("api", settings.RoutePrefix);
        // One message at a time on purpose: docs/operations.md, "Queue concurrency".
        Assert.Equal(1, settings.Queues.BatchSize);
        Assert.Equal(0, settings.Queues.NewBatchThreshold);
        Assert.Equal(5, settings.Queues.MaxDequeueCount);
        Assert.True(settings.Queues.Base64);
    }
}

/// <summary>With no storage configured the devhost starts Azurite itself, and stops it when it stops.</summary>
public class EmbeddedAzuriteTests
{
    [Fact]
    public async Task WithoutStorageSettings_TheDevhostRunsItsOwnAzurite()
    {
        if (DevHostApplication.IsStorageConfigured(new ConfigurationBuilder().AddEnvironmentVariables().Build()))
            return; // the environment supplies storage: nothing embedded to test
        var data = Path.Combine(Path.GetTempPath(), "rps-it-embedded-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            AzuriteProcess azurite;
            await using (var host = await DevHostApplication.StartAsync(new DevHostOptions
                         {
                             Port = 0, RepositoryRoot = StorageFixture.RepositoryRoot, AzuriteDataDirectory = data,
                             MinimumLogLevel = LogLevel.Warning, RunTimerTriggers = false,
                         }))
            {
                azurite = Assert.IsType<AzuriteProcess>(host.Azurite);
                using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                using var response = await http.GetAsync("api/health");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.True(azurite.HasExited);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>The development signing key in <c>.devhost/</c>, which several devhosts may create at once.</summary>
public class DevelopmentSigningKeyTests
{
    [Fact]
    public async Task DevhostsStartingTogether_InAFreshFolder_AllLoadOneWholeKey()
    {
        // A fresh clone's first test run starts several devhosts at once; one used to read the key file while another
        // was still writing it ("No supported key formats were found").
        // The race is a matter of timing: four fresh folders, sixteen devhosts each.
        for (var round = 0; round < 4; round++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "rps-key-" + Guid.NewGuid().ToString("N")[..12]);
            try
            {
                using var start = new ManualResetEventSlim();
                var loads = Enumerable.Range(0, 16)
                    .Select(_ => Task.Run(() => { start.Wait(); return DevelopmentSigningKey.LoadOrCreate(directory); }))
                    .ToList();
                start.Set();
                var keys = await Task.WhenAll(loads);

                Assert.Single(keys.Select(k => k.KeyId).Distinct());
                Assert.Equal([DevelopmentSigningKey.FileName], Directory.GetFiles(directory).Select(Path.GetFileName));
                Assert.Equal(keys[0].KeyId, DevelopmentSigningKey.LoadOrCreate(directory).KeyId);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
