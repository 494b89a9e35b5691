using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Integration.Tests;

/// <summary>The idempotency records in table storage (Azurite): insert-first and ETags decide every race.</summary>
[Collection(StorageCollection.Name)]
public class TableIdempotencyStoreTests(StorageFixture storage)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly string _caller = "caller/" + Guid.NewGuid().ToString("N")[..8]; // a '/' to exercise key escaping
    private static readonly IdempotencyOptions Options = new();

    private TableIdempotencyStore Store()
    {
        var tables = new TableServiceClient(storage.ConnectionString);
        var queues = new QueueServiceClient(storage.ConnectionString);
        return new TableIdempotencyStore(tables, new StorageProvisioner(tables, queues, NullLogger<StorageProvisioner>.Instance),
            Options, _time, NullLogger<TableIdempotencyStore>.Instance);
    }

    private static StoredResponse Created(string body) =>
        new(201, "application/json; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(body), "/api/screenings/scr_1");

    [Fact]
    public async Task ConcurrentBegins_WithOneKey_StartExactlyOne()
    {
        var store = Store();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.BeginAsync(_caller, "key#1", "hash", CancellationToken.None)));
        Assert.Single(outcomes.OfType<IdempotencyBegin.Started>());
        Assert.Equal(7, outcomes.OfType<IdempotencyBegin.InProgress>().Count());
    }

    [Fact]
    public async Task Completed_IsReplayed_AndADifferentRequestIsAMismatch()
    {
        var store = Store();
        var started = Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "hash-a", CancellationToken.None));
        await store.CompleteAsync(started.Lease, Created("""{"id":1}"""), CancellationToken.None);

        var replay = Assert.IsType<IdempotencyBegin.Replay>(await store.BeginAsync(_caller, "k", "hash-a", CancellationToken.None));
        Assert.Equal(201, replay.Response.StatusCode);
        Assert.Equal("""{"id":1}""", System.Text.Encoding.UTF8.GetString(replay.Response.Body));
        Assert.Equal("/api/screenings/scr_1", replay.Response.Location);

        Assert.IsType<IdempotencyBegin.Mismatch>(await store.BeginAsync(_caller, "k", "hash-b", CancellationToken.None));
        Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller + "-other", "k", "hash-b", CancellationToken.None));
    }

    [Fact]
    public async Task Released_KeyRunsAgain()
    {
        var store = Store();
        var first = Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));
        await store.ReleaseAsync(first.Lease, CancellationToken.None);
        Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));
    }

    [Fact]
    public async Task AbandonedRequest_IsTakenOverAfterItsLease_AndItsLateAnswerIsNotKept()
    {
        var store = Store();
        var abandoned = Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));
        Assert.IsType<IdempotencyBegin.InProgress>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));

        _time.Advance(Options.InProgressLease + TimeSpan.FromSeconds(1));
        var takeover = Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));
        await store.CompleteAsync(takeover.Lease, Created("new"), CancellationToken.None);
        await store.CompleteAsync(abandoned.Lease, Created("old"), CancellationToken.None);

        var replay = Assert.IsType<IdempotencyBegin.Replay>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));
        Assert.Equal("new", System.Text.Encoding.UTF8.GetString(replay.Response.Body));
    }

    [Fact]
    public async Task KeysAreKeptForTheRetention_ThenFreeAndPurged()
    {
        var store = Store();
        var started = Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));
        await store.CompleteAsync(started.Lease, Created("{}"), CancellationToken.None);

        _time.Advance(Options.Retention - TimeSpan.FromMinutes(1));
        Assert.IsType<IdempotencyBegin.Replay>(await store.BeginAsync(_caller, "k", "h", CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await store.PurgeExpiredAsync(CancellationToken.None) >= 1);
        Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "k", "other-body", CancellationToken.None));
    }

    [Fact]
    public async Task LargeResponse_IsStoredInChunks_AndReplayedWhole()
    {
        var store = Store();
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        var started = Assert.IsType<IdempotencyBegin.Started>(await store.BeginAsync(_caller, "big", "h", CancellationToken.None));
        await store.CompleteAsync(started.Lease, Created(body), CancellationToken.None);
        var replay = Assert.IsType<IdempotencyBegin.Replay>(await store.BeginAsync(_caller, "big", "h", CancellationToken.None));
        Assert.Equal(body, System.Text.Encoding.UTF8.GetString(replay.Response.Body));
    }
}
