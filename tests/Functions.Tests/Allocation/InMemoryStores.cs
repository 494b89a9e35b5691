using RpsServerless.Core.Allocation;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Tests.Allocation;

/// <summary>Table <c>Screenings</c> in memory: ordered by RowKey (the ULID) per site, like the table.</summary>
internal sealed class InMemoryScreeningStore : IScreeningStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, ScreeningRecord> _rows = new(StringComparer.Ordinal);

    public IReadOnlyList<ScreeningRecord> All { get { lock (_gate) return _rows.Values.ToList(); } }

    public Task AddAsync(ScreeningRecord screening, CancellationToken cancellationToken)
    {
        lock (_gate) _rows.Add(screening.ScreeningId, screening);
        return Task.CompletedTask;
    }

    public Task<ScreeningRecord?> FindAsync(string screeningId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_rows.GetValueOrDefault(screeningId));
    }

    public Task<Page<ScreeningRecord>> ListBySiteAsync(string siteId, ScreeningLogFilter filter, string? continuationToken, int pageSize,
        CancellationToken cancellationToken)
    {
        var after = continuationToken is not null && Paging.TryDecode(continuationToken, ScreeningIds.IsUlid, out var key) ? key : "";
        List<(string Ulid, ScreeningRecord Row)> rows;
        lock (_gate)
            rows = _rows.Values
                .Select(row => (Ulid: ScreeningIds.TryParse(row.ScreeningId, out var ulid, out _) ? ulid : "", Row: row))
                .Where(x => x.Row.SiteId == siteId && string.CompareOrdinal(x.Ulid, after) > 0)
                .Where(x => filter.Outcome is null || x.Row.Outcome == filter.Outcome)
                .Where(x => filter.From is null || x.Row.ScreenedOn >= filter.From)
                .Where(x => filter.To is null || x.Row.ScreenedOn <= filter.To)
                .OrderBy(x => x.Ulid, StringComparer.Ordinal)
                .ToList();
        return Paging.ReadPageAsync(rows.ToAsyncEnumerable(), pageSize, x => x.Row, x => x.Ulid, cancellationToken);
    }

    public Task LinkParticipantAsync(string screeningId, string participantId, CancellationToken cancellationToken)
    {
        lock (_gate) _rows[screeningId] = _rows[screeningId] with { ParticipantId = participantId };
        return Task.CompletedTask;
    }
}

/// <summary>
/// The allocation partition in memory with the table's semantics: the commit is all-or-nothing, the state is
/// ETag-checked and the record insert-only. <see cref="BeforeCommit"/> lets a test slip a competing commit in between
/// a request's load and its commit.
/// </summary>
internal sealed class InMemoryAllocationStore : IAllocationStore
{
    private readonly Lock _gate = new();
    private AllocationState _state = AllocationState.Initial;
    private int _version;
    private readonly Dictionary<string, StoredAllocation> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    /// <summary>The participant rows of the partition: the commit inserts one with each record.</summary>
    public InMemoryParticipants Participants { get; } = new();

    public Func<Task>? BeforeCommit { get; set; }
    public Exception? FailCommitWith { get; set; }
    public int Commits { get; private set; }
    public int Loads { get; private set; }
    public int Conflicts { get; private set; }
    public int Finds { get; private set; }

    public AllocationState State { get { lock (_gate) return _state; } }
    public IReadOnlyList<StoredAllocation> Records { get { lock (_gate) return _records.Values.ToList(); } }
    public IReadOnlyCollection<string> Pending { get { lock (_gate) return _pending.Keys.ToList(); } }

    public Task<LoadedAllocationState> LoadStateAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Loads++;
            return Task.FromResult(new LoadedAllocationState(_state, _version == 0 ? null : _version.ToString()));
        }
    }

    public Task<StoredAllocation?> FindAsync(string screeningId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Finds++;
            return Task.FromResult(_records.GetValueOrDefault(screeningId));
        }
    }

    public async Task<LoadedAllocationState?> CommitAsync(LoadedAllocationState before, AllocationState after, StoredAllocation allocation,
        CancellationToken cancellationToken)
    {
        if (BeforeCommit is { } hook)
        {
            BeforeCommit = null;
            await hook();
        }
        if (FailCommitWith is { } failure)
            throw failure;
        lock (_gate)
        {
            var current = _version == 0 ? null : _version.ToString();
            // As the table's transaction: all or nothing, refused on a stale state, an existing record or a taken id.
            if (current != before.ETag || _records.ContainsKey(allocation.ScreeningId) || !Participants.TryAdd(allocation.Participant()))
            {
                Conflicts++;
                return null;
            }
            _state = after;
            _version++;
            _records.Add(allocation.ScreeningId, allocation);
            _pending.Add(allocation.ScreeningId, allocation.Allocation.AllocatedAt);
            Commits++;
            return new LoadedAllocationState(after, _version.ToString());
        }
    }

    public Task<bool> IsPendingAsync(string screeningId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_pending.ContainsKey(screeningId));
    }

    public Task<StoredAllocation?> FindPendingAsync(string screeningId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_pending.ContainsKey(screeningId) ? _records[screeningId] : null);
    }

    public Task<IReadOnlyList<string>> ListPendingAsync(DateTimeOffset committedBefore, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<string>>(_pending.Where(p => p.Value < committedBefore).Select(p => p.Key).ToList());
    }

    public Task MarkCompletedAsync(string screeningId, CancellationToken cancellationToken)
    {
        lock (_gate) _pending.Remove(screeningId);
        return Task.CompletedTask;
    }
}

/// <summary>The participant rows, which <see cref="InMemoryAllocationStore"/> inserts with each commit.</summary>
internal sealed class InMemoryParticipants : IParticipantDirectory
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, ParticipantRecord> _rows = new(StringComparer.Ordinal);

    public IReadOnlyList<ParticipantRecord> All { get { lock (_gate) return _rows.Values.ToList(); } }

    /// <summary>Inserts the row; false (and nothing changed) when the id is taken, as the table's insert would fail.</summary>
    public bool TryAdd(ParticipantRecord participant)
    {
        lock (_gate) return _rows.TryAdd(participant.ParticipantId, participant);
    }

    public Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_rows.GetValueOrDefault(participantId));
    }

    public Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var after = continuationToken is not null && Paging.TryDecode(continuationToken, _ => true, out var key) ? key : "";
        List<ParticipantRecord> rows;
        lock (_gate) rows = _rows.Values.Where(p => p.SiteId == siteId && string.CompareOrdinal(p.ParticipantId, after) > 0).ToList();
        return Paging.ReadPageAsync(rows.ToAsyncEnumerable(), pageSize, p => p, p => p.ParticipantId, cancellationToken);
    }
}

/// <summary>Queue messages as sent (JSON text per queue).</summary>
internal sealed class RecordingQueueSender : IQueueMessageSender
{
    private readonly Lock _gate = new();
    private readonly List<(string Queue, string Json)> _sent = [];

    public Exception? FailWith { get; set; }

    public IReadOnlyList<string> On(string queue)
    {
        lock (_gate) return _sent.Where(m => m.Queue == queue).Select(m => m.Json).ToList();
    }

    public Task SendAsync<T>(string queueName, T message, TimeSpan? visibilityDelay, CancellationToken cancellationToken)
    {
        if (FailWith is { } failure)
            throw failure;
        lock (_gate) _sent.Add((queueName, MessageJson.Serialize(message)));
        return Task.CompletedTask;
    }
}
