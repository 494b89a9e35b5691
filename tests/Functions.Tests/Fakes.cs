using Microsoft.Extensions.Logging.Abstractions;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

/// <summary>An idempotency store with the table store's insert-first semantics, in memory.</summary>
internal sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), (string Hash, StoredResponse? Response, string ETag)> _records = new();

    public Exception? FailWith { get; set; }
    public Exception? FailCompletionWith { get; set; }
    public int Releases { get; private set; }

    public Task<IdempotencyBegin> BeginAsync(string callerId, string key, string requestHash, CancellationToken cancellationToken)
    {
        if (FailWith is not null) throw FailWith;
        lock (_gate)
        {
            if (!_records.TryGetValue((callerId, key), out var record))
            {
                var etag = Guid.NewGuid().ToString();
                _records[(callerId, key)] = (requestHash, null, etag);
                return Task.FromResult<IdempotencyBegin>(new IdempotencyBegin.Started(new IdempotencyLease(callerId, key, requestHash, etag)));
            }
            if (record.Hash != requestHash) return Task.FromResult<IdempotencyBegin>(new IdempotencyBegin.Mismatch());
            if (record.Response is not null) return Task.FromResult<IdempotencyBegin>(new IdempotencyBegin.Replay(record.Response));
            return Task.FromResult<IdempotencyBegin>(new IdempotencyBegin.InProgress(TimeSpan.FromSeconds(30)));
        }
    }

    public Task CompleteAsync(IdempotencyLease lease, StoredResponse response, CancellationToken cancellationToken)
    {
        if (FailCompletionWith is not null) throw FailCompletionWith;
        lock (_gate)
        {
            if (_records.TryGetValue((lease.CallerId, lease.Key), out var record) && record.ETag == lease.ETag)
                _records[(lease.CallerId, lease.Key)] = (record.Hash, response, Guid.NewGuid().ToString());
        }
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(IdempotencyLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Releases++;
            if (_records.TryGetValue((lease.CallerId, lease.Key), out var record) && record.ETag == lease.ETag)
                _records.Remove((lease.CallerId, lease.Key));
        }
        return Task.CompletedTask;
    }
}

internal static class TestEndpoint
{
    public static ApiEndpoint Create(IIdempotencyStore store) =>
        new(store, new AnonymousCaller(), NullLogger<ApiEndpoint>.Instance);
}
