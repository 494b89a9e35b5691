using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RpsServerless.DevHost;
using RpsServerless.Functions.Security;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// Azurite from the repository's node_modules on free loopback ports, its data in a temporary folder, and the
/// devhost in-process on a free port over it. One per test collection; everything is stopped and deleted after.
/// </summary>
public sealed class StorageFixture : IAsyncLifetime
{
    private TemporaryStorage _storage = null!;

    public AzuriteProcess Azurite => _storage.Azurite;
    public DevHostApplication DevHost { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string ConnectionString => Azurite.ConnectionString;

    /// <summary>An in-memory development key: the tests never touch the repository's <c>.devhost/</c> key.</summary>
    public DevelopmentSigningKey SigningKey { get; } = DevelopmentSigningKey.Create();

    /// <summary>A request to the devhost with a development token for <paramref name="role"/> (site-scoped roles at <paramref name="sites"/>).</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, Role role, params string[] sites)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            DevHost.CreateToken(DevelopmentCaller.Of(role, sites)));
        return request;
    }

    public static string RepositoryRoot =>
        AzuriteProcess.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("node_modules/azurite not found above the test folder: run 'npm ci' (./test does).");

    public async Task InitializeAsync()
    {
        _storage = await TemporaryStorage.StartAsync("it");
        DevHost = await DevHostApplication.StartAsync(new DevHostOptions
        {
            Port = 0,
            Args = ["--AzureWebJobsStorage", Azurite.ConnectionString],
            MinimumLogLevel = LogLevel.Warning,
            SigningKey = SigningKey,
        });
        Http = new HttpClient { BaseAddress = DevHost.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Kills Azurite outright, as when storage goes away (it saves nothing on the way out).</summary>
    public Task StopStorageAsync() => _storage.StopAsync();

    /// <summary>Starts Azurite again on the same ports over the same data.</summary>
    public Task RestartStorageAsync() => _storage.RestartAsync();

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (DevHost is not null) await DevHost.DisposeAsync();
        if (_storage is not null) await _storage.DisposeAsync();
    }
}

/// <summary>
/// Sends every request with a fresh development token of one caller, made on the host's clock (tokens are judged
/// against the app's <see cref="TimeProvider"/>, which tests on a fake clock move by days).
/// </summary>
public sealed class DevelopmentTokenHandler(DevHostApplication host, DevelopmentCaller caller) : DelegatingHandler(new HttpClientHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.CreateToken(caller));
        return base.SendAsync(request, cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<StorageFixture>
{
    public const string Name = "storage";
}

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var wait = TimeSpan.FromMilliseconds(25);
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting until {what}.");
            await Task.Delay(wait);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 250));
        }
    }

    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            throw;
        }
    }
}

/// <summary>
/// Azurite from the repository's node_modules on free loopback ports over a fresh temporary data folder; disposing it
/// stops Azurite and deletes the folder. Every test host that needs storage of its own starts one of these.
/// </summary>
public sealed class TemporaryStorage : IAsyncDisposable
{
    private readonly string _data;

    private TemporaryStorage(string data, AzuriteProcess azurite)
    {
        _data = data;
        Azurite = azurite;
    }

    public AzuriteProcess Azurite { get; private set; }

    public string ConnectionString => Azurite.ConnectionString;

    /// <param name="name">A word for the data folder's name, so a folder left behind says which tests made it.</param>
    public static async Task<TemporaryStorage> StartAsync(string name)
    {
        var data = Path.Combine(Path.GetTempPath(), $"rps-{name}-" + Guid.NewGuid().ToString("N")[..12]);
        return new TemporaryStorage(data, await AzuriteProcess.StartAsync(new AzuriteOptions(StorageFixture.RepositoryRoot, data)));
    }

    /// <summary>Kills Azurite outright, as when storage goes away (it saves nothing on the way out).</summary>
    public Task StopAsync() => Azurite.StopAsync(graceful: false);

    /// <summary>Starts Azurite again on the same ports over the same data.</summary>
    public async Task RestartAsync()
    {
        await Azurite.DisposeAsync();
        Azurite = await AzuriteProcess.StartAsync(Azurite.Options);
    }

    public async ValueTask DisposeAsync()
    {
        await Azurite.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
