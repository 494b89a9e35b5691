using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
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

/// <summary>
/// Endpoints for tests. <see cref="Create"/> lets every request in as <see cref="TestCallers.Everyone"/> (tests of
/// limits, parsing and idempotency); <see cref="Secured"/> runs the real access control over <see cref="TestTokens"/>.
/// </summary>
internal static class TestEndpoint
{
    public static ApiEndpoint Create(IIdempotencyStore store, Caller? caller = null) =>
        new(store, new TokenCallerIdentity(), NullLogger<ApiEndpoint>.Instance, new AdmitAllGate(caller ?? TestCallers.Everyone));

    public static ApiEndpoint Secured(IIdempotencyStore store, ILoggerFactory? logs = null, TimeProvider? time = null) =>
        new(store, new TokenCallerIdentity(), (logs ?? NullLoggerFactory.Instance).CreateLogger<ApiEndpoint>(),
            new ApiAccess(TestTokens.Authenticator(time), (logs ?? NullLoggerFactory.Instance).CreateLogger<ApiAccess>()));
}

/// <summary>
/// Admits every request as one caller without a token: under the route's real rule when the path matches one (so a
/// workflow's <see cref="CallerContext.RequireSite"/> judges the caller's sites as in the app), else under a rule
/// that needs no permission and no site.
/// </summary>
internal sealed class AdmitAllGate(Caller caller) : IAccessGate
{
    public Task<AccessDecision> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var match = RouteAccess.Match(request.Method, request.Path.Value ?? "");
        var context = match is { } found
            ? new CallerContext(caller, found.Rule, request.HttpContext, found.Values)
            : new CallerContext(caller, new RouteRule(request.Method, request.Path.Value ?? "", null), request.HttpContext,
                new Dictionary<string, string>());
        context.Attach();
        return Task.FromResult(new AccessDecision(context, null));
    }
}

internal static class TestCallers
{
    public static Caller Everyone { get; } = new("test-caller", Enum.GetValues<Role>().ToHashSet(), new HashSet<string> { "PKUIH", "BFH" });
}

/// <summary>The audit trail in memory, with the table trail's chain and event-key semantics.</summary>
internal sealed class InMemoryAuditTrail : RpsServerless.Functions.Audit.IAuditTrail
{
    private readonly Lock _gate = new();
    private readonly List<RpsServerless.Core.Audit.AuditRecord> _records = [];
    private readonly Dictionary<string, RpsServerless.Core.Audit.AuditRecord> _events = new(StringComparer.Ordinal);

    public IReadOnlyList<RpsServerless.Core.Audit.AuditRecord> Records
    {
        get { lock (_gate) return _records.ToList(); }
    }

    public Task<RpsServerless.Core.Audit.AuditRecord> RecordAsync(RpsServerless.Functions.Audit.AuditActor actor,
        RpsServerless.Functions.Audit.AuditChange change, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (change.EventKey is { } key && _events.TryGetValue(key, out var existing))
                return Task.FromResult(existing);
            var head = _records.Count == 0 ? RpsServerless.Core.Audit.AuditHead.Empty : new(_records[^1].Sequence, _records[^1].Hash);
            var record = RpsServerless.Core.Audit.AuditChain.Append(head, new RpsServerless.Core.Audit.AuditEntry(DateTimeOffset.UtcNow,
                actor.Id, actor.Role, change.Action, change.EntityType, change.EntityId, change.SiteId,
                RpsServerless.Functions.Audit.AuditStates.Hash(change.Before), RpsServerless.Functions.Audit.AuditStates.Hash(change.After),
                change.Reason, actor.RequestId, change.ProtocolVersion));
            _records.Add(record);
            if (change.EventKey is { } eventKey) _events[eventKey] = record;
            return Task.FromResult(record);
        }
    }

    public Task<RpsServerless.Functions.Audit.AuditPage> ListAsync(RpsServerless.Functions.Audit.AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = _records.Where(r => r.Sequence > query.AfterSequence && (query.EntityType is null || r.EntityType == query.EntityType) &&
                                           (query.EntityId is null || r.EntityId == query.EntityId)).Take(query.PageSize).ToList();
            return Task.FromResult(new RpsServerless.Functions.Audit.AuditPage(page, null));
        }
    }

    public Task<RpsServerless.Core.Audit.AuditHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(_records.Count == 0 ? RpsServerless.Core.Audit.AuditHead.Empty : new RpsServerless.Core.Audit.AuditHead(_records[^1].Sequence, _records[^1].Hash));
    }

    public async IAsyncEnumerable<RpsServerless.Core.Audit.AuditRecord> ReadChainAsync(long upToSequence,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var record in Records.Where(r => r.Sequence <= upToSequence))
        {
            await Task.Yield();
            yield return record;
        }
    }
}
