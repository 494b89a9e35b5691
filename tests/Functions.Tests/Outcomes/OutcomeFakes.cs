using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Exports;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Workflows.Outcomes;

namespace RpsServerless.Functions.Tests.Outcomes;

/// <summary>Participants for the outcome tests; the production directory belongs to the allocation workflow.</summary>
internal sealed class FakeParticipantDirectory : IParticipantDirectory
{
    private readonly List<ParticipantRecord> _participants = [];

    public FakeParticipantDirectory Add(ParticipantRecord participant)
    {
        _participants.Add(participant);
        return this;
    }

    public Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken) =>
        Task.FromResult(_participants.FirstOrDefault(p => p.ParticipantId == participantId));

    public Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        // Pages of one, to exercise the paging of the callers.
        var atSite = _participants.Where(p => p.SiteId == siteId).OrderBy(p => p.AllocationNumber).ToList();
        var index = continuationToken is null ? 0 : int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture);
        var items = atSite.Skip(index).Take(1).ToList();
        var next = index + 1 < atSite.Count ? (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new Page<ParticipantRecord>(items, next));
    }
}

internal sealed class FakeTimelineSource : IParticipantTimelineSource
{
    public Dictionary<string, ParticipantTimeline> Timelines { get; } = new(StringComparer.Ordinal);

    public Task<ParticipantTimeline> LoadAsync(ParticipantRecord participant, CancellationToken cancellationToken) =>
        Task.FromResult(Timelines.TryGetValue(participant.ParticipantId, out var t)
            ? t
            : new ParticipantTimeline(participant.ParticipantId, participant.SiteId, participant.Arm, participant.AllocatedOn, []));
}

/// <summary>Records what would go on the queues.</summary>
internal sealed class RecordingQueueSender : IQueueMessageSender
{
    public List<(string Queue, object Message)> Sent { get; } = [];
    public Exception? FailWith { get; set; }

    public IReadOnlyList<CoordinatorNotification> Notifications =>
        Sent.Where(s => s.Queue == Storage.QueueNames.Notifications).Select(s => (CoordinatorNotification)s.Message).ToList();

    public Task SendAsync<T>(string queueName, T message, TimeSpan? visibilityDelay, CancellationToken cancellationToken)
    {
        if (FailWith is not null) throw FailWith;
        Sent.Add((queueName, message!));
        return Task.CompletedTask;
    }
}

/// <summary>The table store's semantics in memory: insert-only versions, ETag-checked clock, one transaction per append.</summary>
internal sealed class InMemoryAdverseEventStore : IAdverseEventStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), (string SiteId, List<AdverseEventVersion> Versions)> _events = new();
    private readonly Dictionary<(string, string), SaeClockRecord> _clocks = new();
    private int _etag;

    /// <summary>Runs once just before the next clock replace: lets a test change the clock in between.</summary>
    public Action? BeforeNextClockReplace { get; set; }

    public Task<StoredAdverseEvent?> LoadAsync(string participantId, string adverseEventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_events.TryGetValue((participantId, adverseEventId), out var e)) return Task.FromResult<StoredAdverseEvent?>(null);
            _clocks.TryGetValue((participantId, adverseEventId), out var clock);
            return Task.FromResult<StoredAdverseEvent?>(new StoredAdverseEvent(e.SiteId,
                AdverseEventHistory.Restore(adverseEventId, participantId, e.Versions.ToList()), clock));
        }
    }

    /// <summary>Puts a clock in place as if its event had been recorded (for readers of clocks, such as the worklist).</summary>
    public void AddClock(SaeClockRecord clock)
    {
        lock (_gate) _clocks[(clock.ParticipantId, clock.AdverseEventId)] = clock with { ETag = NextETag() };
    }

    public Task AppendAsync(string siteId, string adverseEventId, string participantId, AdverseEventVersion version, SaeClockWrite? clock,
        CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var key = (participantId, adverseEventId);
            var versions = _events.TryGetValue(key, out var e) ? e.Versions : [];
            if (versions.Any(v => v.Version == version.Version)) throw new ConcurrentChangeException("version exists");
            if (clock is not null)
            {
                var exists = _clocks.TryGetValue(key, out var stored);
                if (clock.Insert ? exists : !exists || stored!.ETag != clock.Clock.ETag) throw new ConcurrentChangeException("clock changed");
                _clocks[key] = clock.Clock with { ETag = NextETag() };
            }
            versions.Add(version);
            _events[key] = (siteId, versions);
        }
        return Task.CompletedTask;
    }

    public Task<SaeClockRecord?> LoadClockAsync(string participantId, string adverseEventId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_clocks.TryGetValue((participantId, adverseEventId), out var c) ? c : null);
    }

    public Task<bool> TryReplaceClockAsync(SaeClockRecord clock, CancellationToken cancellationToken)
    {
        var hook = BeforeNextClockReplace;
        BeforeNextClockReplace = null;
        hook?.Invoke();
        lock (_gate)
        {
            var key = (clock.ParticipantId, clock.AdverseEventId);
            if (!_clocks.TryGetValue(key, out var stored) || stored.ETag != clock.ETag) return Task.FromResult(false);
            _clocks[key] = clock with { ETag = NextETag() };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<SaeClockRecord>> OpenForSiteAsync(string siteId, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<SaeClockRecord>>(_clocks.Values.Where(c => c.SiteId == siteId && c.IsOpenForSite)
                .OrderBy(c => c.Deadline).ToList());
    }

    private string NextETag() => $"W/\"{++_etag}\"";
}

internal sealed class InMemorySaeAlarmStore : ISaeAlarmStore
{
    private readonly Lock _gate = new();
    public List<SaeAlarm> Alarms { get; } = [];

    public Task AddAsync(SaeAlarm alarm, CancellationToken cancellationToken)
    {
        lock (_gate)
            if (!Alarms.Any(a => Same(a, alarm))) Alarms.Add(alarm);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SaeAlarm>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<SaeAlarm>>(Alarms.Where(a => a.DueAt <= now).OrderBy(a => a.DueAt).ToList());
    }

    public Task RemoveAsync(SaeAlarm alarm, CancellationToken cancellationToken)
    {
        lock (_gate) Alarms.RemoveAll(a => Same(a, alarm));
        return Task.CompletedTask;
    }

    private static bool Same(SaeAlarm a, SaeAlarm b) =>
        a.ParticipantId == b.ParticipantId && a.AdverseEventId == b.AdverseEventId && a.Generation == b.Generation && a.Kind == b.Kind && a.DueAt == b.DueAt;
}

internal sealed class InMemoryAssessmentStore : IAssessmentStore
{
    public List<AssessmentRecord> Records { get; } = [];

    public Task AddAsync(AssessmentRecord record, CancellationToken cancellationToken)
    {
        Records.Add(record);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AssessmentRecord>> ListAsync(string participantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AssessmentRecord>>(Records.Where(r => r.ParticipantId == participantId).ToList());
}

internal sealed class InMemoryFinalPathologyStore : IFinalPathologyStore
{
    public List<PathologyReportRecord> Reports { get; } = [];
    public List<ExclusionRecord> Exclusions { get; } = [];

    public Task<PathologyHistory> LoadAsync(string participantId, CancellationToken cancellationToken) =>
        Task.FromResult(new PathologyHistory(Reports.Where(r => r.ParticipantId == participantId).ToList(),
            Exclusions.Where(x => x.ParticipantId == participantId).ToList()));

    public async Task<ExclusionRecord?> ExclusionInForceAsync(string participantId, CancellationToken cancellationToken) =>
        (await LoadAsync(participantId, cancellationToken)).Exclusion;

    public Task AppendAsync(PathologyReportRecord report, ExclusionRecord? exclusion, CancellationToken cancellationToken)
    {
        if (Reports.Any(r => r.ParticipantId == report.ParticipantId && r.Sequence == report.Sequence)) throw new ConcurrentChangeException("exists");
        Reports.Add(report);
        if (exclusion is not null) Exclusions.Add(exclusion);
        return Task.CompletedTask;
    }
}

/// <summary>The outcome workflows and function class over in-memory stores, on a fake clock.</summary>
internal sealed class OutcomeHarness
{
    public static readonly DateTimeOffset Start = new(2027, 3, 1, 2, 0, 0, TimeSpan.Zero); // 10:00 in Asia/Shanghai
    public static readonly DateOnly AllocatedOn = new(2027, 1, 4);
    public const string ParticipantId = "NATARS-PKUIH-0001";

    public FakeTimeProvider Time { get; } = new(Start);
    public FakeParticipantDirectory Participants { get; } = new();
    public InMemoryAdverseEventStore AdverseEvents { get; } = new();
    public InMemorySaeAlarmStore Alarms { get; } = new();
    public InMemoryAssessmentStore Assessments { get; } = new();
    public InMemoryFinalPathologyStore Pathology { get; } = new();
    public RecordingQueueSender Queue { get; } = new();
    public InMemoryIdempotencyStore Idempotency { get; } = new();
    public InMemoryAuditTrail Audit { get; } = new();
    public SaeAlarmHandler Handler { get; }
    public ReleaseSaeAlarms Timer { get; }
    public Http.Outcomes Functions { get; }

    public OutcomeHarness()
    {
        Participants.Add(Participant(ParticipantId, "neoadjuvant"));
        Handler = new SaeAlarmHandler(AdverseEvents, Alarms, Queue, NullLogger<SaeAlarmHandler>.Instance);
        Timer = new ReleaseSaeAlarms(Alarms, Handler, Time, NullLogger<ReleaseSaeAlarms>.Instance);
        Functions = new Http.Outcomes(TestEndpoint.Create(Idempotency),
            new RecordAssessment(Participants, Assessments, Audit, Time, NullLogger<RecordAssessment>.Instance),
            new RecordAdverseEvent(Participants, AdverseEvents, Alarms, Handler, Audit, Time, NullLogger<RecordAdverseEvent>.Instance),
            new RecordFinalPathology(Participants, Pathology, Audit, Time, NullLogger<RecordFinalPathology>.Instance));
    }

    public static ParticipantRecord Participant(string id, string arm, int number = 1, DateOnly? allocatedOn = null)
    {
        ParticipantIds.TrySiteOf(id, out var site);
        var on = allocatedOn ?? AllocatedOn;
        return new ParticipantRecord(id, site, $"scr_{number}", arm, "DDLPS", AllocationMethod.PermutedBlocks, number,
            new DateTimeOffset(on.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero), on, ProtocolCatalog.Current);
    }

    public static string SeriousAe(DateTimeOffset awareAt, string? sentAt = null) => $$"""
        { "term": "Febrile neutropenia", "grade": 3, "onsetDate": "2027-02-28", "serious": true,
          "seriousnessCriteria": ["hospitalisation"],
          "relatedness": { "doxorubicin": "probable", "ifosfamide": "possible", "anlotinib": "unlikely", "surgery": null },
          "actionTaken": "dose_delayed", "outcome": "recovering", "awareAt": "{{awareAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"
          {{(sentAt is null ? "" : $", \"sponsorReportSentAt\": \"{sentAt}\"")}} }
        """;

    public static string MildAe => """
        { "term": "Nausea", "grade": 1, "onsetDate": "2027-02-27", "serious": false, "seriousnessCriteria": [],
          "relatedness": { "doxorubicin": "possible", "ifosfamide": "possible", "anlotinib": "not_related", "surgery": null },
          "outcome": "recovering", "awareAt": "2027-02-28T03:00:00Z" }
        """;

    public async Task<TestHttp.Written> PostAsync(Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Http.IResult>> call, string path, string json)
    {
        var request = TestHttp.Post(path, json);
        return await TestHttp.ExecuteAsync(await call(request), request);
    }

    public async Task<TestHttp.Written> RecordAeAsync(string json, string participantId = ParticipantId) =>
        await PostAsync(r => Functions.RecordAdverseEvent(r, participantId, default), $"/api/participants/{participantId}/adverse-events", json);
}
