using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Console;
using RpsServerless.Functions;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;

namespace RpsServerless.DevHost;

public sealed record DevHostOptions
{
    public const int DefaultPort = 7071;

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Command-line arguments and environment are read as configuration, as in any ASP.NET Core app.</summary>
    public string[] Args { get; init; } = [];

    /// <summary>Where <c>functions.metadata</c> and <c>host.json</c> are; by default next to the devhost.</summary>
    public string FunctionsDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>Where to look for <c>node_modules/azurite</c> when storage is not configured; by default searched upwards.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Where the embedded Azurite keeps its data; by default <c>.azurite/</c> at the repository root (git-ignored).</summary>
    public string? AzuriteDataDirectory { get; init; }

    public bool RunQueueTriggers { get; init; } = true;
    public bool RunTimerTriggers { get; init; } = true;
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>
    /// The development signing key tokens are checked against when no <c>Auth:Authority</c> is configured; by default
    /// the one in the repository's git-ignored <c>.devhost/</c> folder (created on first use).
    /// </summary>
    public DevelopmentSigningKey? SigningKey { get; init; }

    /// <summary>Applied after the composition: tests replace <see cref="TimeProvider"/> or other services here.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The running devhost: Kestrel serving the HTTP functions under the route prefix, the queue pumps and the timer
/// runners, and — when no storage is configured — the Azurite it started and will stop.
/// </summary>
public sealed class DevHostApplication : IAsyncDisposable
{
    private DevHostApplication(WebApplication app, AzuriteProcess? azurite, Uri baseAddress, IReadOnlyList<FunctionDescriptor> functions,
        DevelopmentSigningKey? signingKey, AuthOptions auth)
    {
        SigningKey = signingKey;
        Auth = auth;
        App = app;
        Azurite = azurite;
        BaseAddress = baseAddress;
        Functions = functions;
    }

    public WebApplication App { get; }
    public AzuriteProcess? Azurite { get; }
    public Uri BaseAddress { get; }
    public IReadOnlyList<FunctionDescriptor> Functions { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>The development key tokens are checked against; null when a real <c>Auth:Authority</c> is configured.</summary>
    public DevelopmentSigningKey? SigningKey { get; }

    public AuthOptions Auth { get; }

    /// <summary>A development token for <paramref name="caller"/>, valid for <paramref name="lifetime"/> (default 1 h).</summary>
    public string CreateToken(DevelopmentCaller caller, TimeSpan? lifetime = null) =>
        (SigningKey ?? throw new InvalidOperationException("Auth:Authority is configured: tokens come from Entra ID."))
        .CreateToken(caller, Auth.Audience!, Services.GetRequiredService<TimeProvider>().GetUtcNow(), lifetime ?? TimeSpan.FromHours(1),
            Auth.SiteClaim);

    public static async Task<DevHostApplication> StartAsync(DevHostOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = options.Args,
            ContentRootPath = options.FunctionsDirectory,
        });
        builder.Configuration.Sources.Insert(0, LocalSettings.Source(Path.Combine(options.FunctionsDirectory, LocalSettings.FileName)));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.IncludeScopes = true;
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);

        var settings = HostSettings.Load(Path.Combine(options.FunctionsDirectory, HostSettings.FileName));
        // As on the Functions host, app setting AzureWebJobs.<function name>.Disabled = true leaves a function out (its
        // route, queue or schedule); AzureWebJobs__<name>__Disabled is the same setting where names cannot hold dots.
        var functions = FunctionCatalog.Load(Path.Combine(options.FunctionsDirectory, FunctionCatalog.MetadataFileName),
                typeof(Composition).Assembly)
            .Where(function => !IsDisabled(builder.Configuration, function.Name))
            .ToList();

        AzuriteProcess? azurite = null;
        if (!IsStorageConfigured(builder.Configuration))
        {
            azurite = await StartEmbeddedAzuriteAsync(options, cancellationToken);
            builder.Configuration.AddInMemoryCollection([new(StorageConnection.SettingName, azurite.ConnectionString)]);
        }

        // No Entra ID here: tokens are signed by the local development key, for the devhost's own audience. With an
        // Authority configured, the development key is not loaded at all.
        DevelopmentSigningKey? signingKey = null;
        if (AuthOptions.FromConfiguration(builder.Configuration).Authority is null)
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration["Auth:Audience"]))
                builder.Configuration.AddInMemoryCollection([new("Auth:Audience", DevelopmentSigningKey.DefaultAudience)]);
            signingKey = options.SigningKey ?? DevelopmentSigningKey.LoadOrCreate(DevelopmentSigningKey.DefaultDirectory());
        }
        var auth = AuthOptions.FromConfiguration(builder.Configuration);

        try
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
            builder.Services.AddRpsServerless(builder.Configuration);
            if (signingKey is not null)
                builder.Services.UseDevelopmentSigningKeys(builder.Configuration, DevelopmentSigningKey.Issuer, signingKey.PublicKey);
            builder.Services.AddMvcCore(); // result executors, for functions that return IActionResult
            builder.Services.AddSingleton(settings);
            builder.Services.AddSingleton(new FunctionCatalogHolder(functions));
            builder.Services.AddSingleton<FunctionInvoker>();
            if (options.RunQueueTriggers)
                builder.Services.AddHostedService<QueueTriggerService>();
            if (options.RunTimerTriggers)
                builder.Services.AddHostedService<TimerTriggerService>();
            options.ConfigureServices?.Invoke(builder.Services);

            var app = builder.Build();
            MapHttpFunctions(app, settings, functions);
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new DevHostApplication(app, azurite, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/"), functions,
                signingKey, auth);
        }
        catch
        {
            if (azurite is not null)
                await azurite.DisposeAsync();
            throw;
        }
    }

    private static bool IsDisabled(IConfiguration configuration, string functionName) =>
        bool.TryParse(configuration[$"AzureWebJobs.{functionName}.Disabled"] ?? configuration[$"AzureWebJobs:{functionName}:Disabled"],
            out var disabled) && disabled;

    private static void MapHttpFunctions(WebApplication app, HostSettings settings, IReadOnlyList<FunctionDescriptor> functions)
    {
        var prefix = settings.RoutePrefix.Length == 0 ? "" : "/" + settings.RoutePrefix;
        foreach (var function in functions.Where(function => function.Trigger == FunctionTrigger.Http))
        {
            var pattern = $"{prefix}/{function.Route!.TrimStart('/')}";
            RequestDelegate handler = context => context.RequestServices.GetRequiredService<FunctionInvoker>().InvokeHttpAsync(function, context);
            var endpoint = function.HttpMethods is { Count: > 0 } methods
                ? app.MapMethods(pattern, methods, handler)
                : app.Map(pattern, handler);
            endpoint.WithName(function.Name);
        }
    }

    internal static bool IsStorageConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[StorageConnection.SettingName]) ||
        configuration.GetSection(StorageConnection.SettingName).GetChildren().Any();

    private static async Task<AzuriteProcess> StartEmbeddedAzuriteAsync(DevHostOptions options, CancellationToken cancellationToken)
    {
        var root = options.RepositoryRoot
                   ?? AzuriteProcess.FindRepositoryRoot(Directory.GetCurrentDirectory())
                   ?? AzuriteProcess.FindRepositoryRoot(AppContext.BaseDirectory)
                   ?? throw new InvalidOperationException(
                       "No storage is configured (AzureWebJobsStorage) and no node_modules/azurite was found: run 'npm ci' at the repository root.");
        var data = options.AzuriteDataDirectory ?? Path.Combine(root, ".azurite");
        var (blob, queue, table) = AzuriteOptions.DefaultPorts;
        var defaultsFree = AzuriteProcess.IsPortFree(blob) && AzuriteProcess.IsPortFree(queue) && AzuriteProcess.IsPortFree(table);
        var azuriteOptions = defaultsFree
            ? new AzuriteOptions(root, data, blob, queue, table)
            : new AzuriteOptions(root, data);
        return await AzuriteProcess.StartAsync(azuriteOptions, cancellationToken);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => App.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await App.StopAsync(timeout.Token);
        }
        finally
        {
            await App.DisposeAsync();
            if (Azurite is not null)
                await Azurite.DisposeAsync();
        }
    }
}
