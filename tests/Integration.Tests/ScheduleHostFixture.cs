using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.DevHost;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// Participant rows written straight into the allocation partition (<see cref="ParticipantRows"/>), as the allocation
/// commit writes them, for schedule tests that need participants without allocating; read back through the app's own
/// directory.
/// </summary>
internal sealed class TableParticipantRows(TableServiceClient tables)
{
    public async Task InsertAsync(ParticipantRecord participant)
    {
        var table = tables.GetTableClient(TableNames.Allocations);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(ParticipantRows.ToEntity(participant));
    }
}

/// <summary>
/// Its own Azurite and devhost (queue pumps and timers running) on a <see cref="FakeTimeProvider"/> that starts at
/// 2026-11-29 09:00 at the sites (01:00Z), and retries failed messages at once, so poisoning takes moments.
/// </summary>
public sealed class ScheduleHostFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 1, 0, 0, TimeSpan.Zero);

    private TemporaryStorage _storage = null!;

    public AzuriteProcess Azurite => _storage.Azurite;
    public DevHostApplication DevHost { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public FakeTimeProvider Time { get; } = new(Start);
    public string ConnectionString => Azurite.ConnectionString;
    internal TableParticipantRows Participants { get; private set; } = null!;

    /// <summary>Every log event of the devhost at Warning and above.</summary>
    public RecordedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        _storage = await TemporaryStorage.StartAsync("it-schedule");
        var tables = new TableServiceClient(Azurite.ConnectionString);
        Participants = new TableParticipantRows(tables);
        var settings = HostSettings.Load(Path.Combine(AppContext.BaseDirectory, HostSettings.FileName));
        DevHost = await DevHostApplication.StartAsync(new DevHostOptions
        {
            Port = 0,
            Args = ["--AzureWebJobsStorage", Azurite.ConnectionString],
            MinimumLogLevel = LogLevel.Warning,
            ConfigureServices = services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                services.AddSingleton<ILoggerProvider>(Logs);
                services.AddSingleton(settings with
                {
                    Queues = settings.Queues with
                    {
                        VisibilityTimeout = TimeSpan.Zero,
                        MinPollingInterval = TimeSpan.FromMilliseconds(20),
                        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
                    },
                });
            },
        });
        // The site's coordinator: the least-privileged role that reads the schedule, worklist and inbox and records.
        Http = new HttpClient(new DevelopmentTokenHandler(DevHost, DevelopmentCaller.Of(Role.Coordinator, "PKUIH")))
        {
            BaseAddress = DevHost.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (DevHost is not null) await DevHost.DisposeAsync();
        if (_storage is not null) await _storage.DisposeAsync();
    }
}
