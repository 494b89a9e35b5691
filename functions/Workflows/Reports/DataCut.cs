using System.Text.Json;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Reports;
using RpsServerless.Core.Scheduling;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Exports;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Scheduling;
using RpsServerless.Functions.Storage.Screenings;
using ReportTime = RpsServerless.Core.Reports.TimeToEvent;

namespace RpsServerless.Functions.Workflows.Reports;

/// <summary>
/// Everything the reports of protocol.md §6 and the CONSORT flow are computed from, as it stood at <see cref="At"/>,
/// mapped onto the core's input records. Holds study ids only: no screening numbers and no free text reach it, so no
/// report built from it can show them.
/// </summary>
/// <param name="Outcomes">Per participant, what the endpoints are derived from.</param>
/// <param name="Safety">Per participant, the adverse events as recorded up to the cut.</param>
/// <param name="NeoadjuvantCourses">The chemotherapy courses of the participants allocated to an arm with cycles.</param>
public sealed record DataCut(
    ProtocolDefinition Protocol,
    DateTimeOffset At,
    IReadOnlyList<ScreeningSummary> Screenings,
    IReadOnlyList<ParticipantSummary> Participants,
    IReadOnlyList<ParticipantOutcomes> Outcomes,
    IReadOnlyList<ParticipantSafety> Safety,
    IReadOnlyList<NeoadjuvantCourse> NeoadjuvantCourses)
{
    public string ProtocolVersion => Protocol.Version;

    /// <summary>PFS and OS of every participant (<see cref="EndpointDerivation"/>), in participant id order.</summary>
    public IReadOnlyList<ParticipantEndpoints> Endpoints() =>
        Outcomes.OrderBy(o => o.ParticipantId, StringComparer.Ordinal).Select(EndpointDerivation.Derive).ToArray();

    /// <summary>The times of one endpoint, as the survival report takes them.</summary>
    public IReadOnlyList<ReportTime> Times(SurvivalEndpoint endpoint) => Endpoints()
        .Select(e => (e, Value: endpoint == SurvivalEndpoint.Pfs ? e.Pfs : e.Os))
        .Select(x => new ReportTime(x.e.ParticipantId, x.e.Arm, x.Value.Days, x.Value.IsEvent))
        .ToArray();
}

/// <summary>
/// Loads a <see cref="DataCut"/> of the whole trial. Every read is a partition query or a key range: per protocol site
/// the screening log (PartitionKey = site) and the participants (the site's range of the allocation partition), then
/// per participant its own partitions of <c>Visits</c> (visit and status records), <c>DiseaseAssessments</c>,
/// <c>AdverseEvents</c> and <c>FinalPathology</c> (PartitionKey = participant id). No table is scanned.
/// <para>
/// The cut is an instant (<see cref="TimeProvider"/>): every record carries its recording time, and whatever was
/// recorded after the instant is left out, so writes landing while the cut loads cannot make one report disagree with
/// another built from the same cut, and re-running a cut later reproduces it (corrections recorded after it included).
/// </para>
/// </summary>
public sealed class LoadDataCut(
    ProtocolDefinition protocol,
    IScreeningStore screenings,
    IParticipantDirectory directory,
    IParticipantHistoryReader history,
    IAssessmentStore assessments,
    IAdverseEventReader adverseEvents,
    IFinalPathologyStore pathology,
    TimeProvider time,
    ILogger<LoadDataCut> logger)
{
    /// <summary>Participants loaded at the same time; each costs four partition queries.</summary>
    public const int Parallelism = 8;

    private const int ScreeningPageSize = 100;

    public async Task<DataCut> RunAsync(CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var screeningRows = new List<ScreeningRecord>();
        var participantRows = new List<ParticipantRecord>();
        foreach (var site in protocol.Sites)
        {
            screeningRows.AddRange(await ScreeningsOfAsync(site.Id, cancellationToken).ConfigureAwait(false));
            participantRows.AddRange(await ParticipantListing.BySiteAsync(directory, site.Id, cancellationToken).ConfigureAwait(false));
        }
        screeningRows.RemoveAll(s => s.SubmittedAt > at);
        participantRows.RemoveAll(p => p.AllocatedAt > at);

        var files = new ParticipantData[participantRows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, participantRows.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => files[i] = await LoadParticipantAsync(participantRows[i], at, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var screeningById = screeningRows.ToDictionary(s => s.ScreeningId, StringComparer.Ordinal);
        // The participant row names its screening and is written before the screening's link (AllocationFollowUp), so
        // it is the link the cut trusts: a screening whose link is still being written is not "eligible, not allocated".
        var allocatedScreening = participantRows.ToDictionary(p => p.ScreeningId, p => p.ParticipantId, StringComparer.Ordinal);
        var screeningSummaries = screeningRows
            .Select(s => ScreeningSummary.From(s.ScreeningId, s.SiteId,
                new EligibilityResult(s.ProtocolVersion, s.Evaluation.Outcome, s.Evaluation.Criteria, s.Evaluation.Warnings, s.Evaluation.Derived),
                allocatedScreening.GetValueOrDefault(s.ScreeningId)))
            .ToArray();

        var summaries = new List<ParticipantSummary>(files.Length);
        var outcomes = new List<ParticipantOutcomes>(files.Length);
        var safety = new List<ParticipantSafety>(files.Length);
        var courses = new List<NeoadjuvantCourse>();
        foreach (var file in files.OrderBy(f => f.Participant.ParticipantId, StringComparer.Ordinal))
        {
            var baseline = screeningById.TryGetValue(file.Participant.ScreeningId, out var screening)
                ? BaselineOf(screening)
                : BaselineCharacteristics.Unknown;
            summaries.Add(Summarise(file, baseline));
            outcomes.Add(OutcomesOf(file));
            safety.Add(new ParticipantSafety(file.Participant.ParticipantId, file.Participant.Arm, file.AdverseEvents));
            if (CourseOf(file, at) is { } course) courses.Add(course);
        }

        logger.LogInformation(LogEvents.DataCutLoaded, "Data cut at {DataCutAt} of {Screenings} screenings and {Participants} participants",
            at, screeningSummaries.Length, summaries.Count);
        return new DataCut(protocol, at, screeningSummaries, summaries, outcomes, safety, courses);
    }

    private async Task<IReadOnlyList<ScreeningRecord>> ScreeningsOfAsync(string siteId, CancellationToken cancellationToken)
    {
        var all = new List<ScreeningRecord>();
        string? token = null;
        do
        {
            var page = await screenings.ListBySiteAsync(siteId, new ScreeningLogFilter(null, null, null), token, ScreeningPageSize, cancellationToken)
                .ConfigureAwait(false);
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        } while (token is not null);
        return all;
    }

    /// <summary>One participant's records up to the cut, from the participant's own partitions.</summary>
    private sealed record ParticipantData(
        ParticipantRecord Participant,
        ProtocolDefinition Protocol,
        IReadOnlyList<RecordedVisit> Visits,
        IReadOnlyList<ParticipantStatusRecord> Statuses,
        IReadOnlyList<DiseaseAssessment> Assessments,
        IReadOnlyList<AdverseEventHistory> AdverseEvents,
        ExclusionRecord? Exclusion)
    {
        public IReadOnlyList<ParticipantStatusRecord> InForce => ParticipantStatusHistory.InForce(Statuses);

        public ParticipantTimeline Timeline => new(Participant.ParticipantId, Participant.SiteId, Participant.Arm, Participant.AllocatedOn,
            Visits, ParticipantStatusHistory.Death(Statuses)?.On, ParticipantStatusHistory.Withdrawal(Statuses)?.On);

        /// <summary>The latest record of each visit (a visit first marked missed and later done is done).</summary>
        public IReadOnlyDictionary<string, RecordedVisit> LatestVisits
        {
            get
            {
                var latest = new Dictionary<string, RecordedVisit>(StringComparer.Ordinal);
                foreach (var visit in Visits) latest[visit.VisitId] = visit;
                return latest;
            }
        }
    }

    private async Task<ParticipantData> LoadParticipantAsync(ParticipantRecord participant, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var id = participant.ParticipantId;
        var stored = history.LoadAsync(id, cancellationToken);
        var imaging = assessments.ListAsync(id, cancellationToken);
        var events = adverseEvents.ListAsync(id, cancellationToken);
        var reports = pathology.LoadAsync(id, cancellationToken);
        await Task.WhenAll(stored, imaging, events, reports).ConfigureAwait(false);

        var (schedule, statuses) = await stored.ConfigureAwait(false);
        var visits = schedule.Records.Where(r => r.RecordedAt <= at).OrderBy(r => r.Sequence).Select(r => r.Visit).ToArray();
        var statusRecords = statuses.Where(r => r.RecordedAt <= at).OrderBy(r => r.Sequence).ToArray();
        var exclusions = (await reports.ConfigureAwait(false)).Exclusions.Where(e => e.RecordedAt <= at).OrderBy(e => e.Sequence).ToArray();
        var participantProtocol = ProtocolCatalog.TryGet(participant.ProtocolVersion, out var p) ? p! : protocol;
        return new ParticipantData(participant, participantProtocol, visits, statusRecords,
            AssessmentsInForce((await imaging.ConfigureAwait(false)).Where(r => r.RecordedAt <= at).ToArray()),
            AsRecordedAt((await events.ConfigureAwait(false)), at),
            exclusions.Length > 0 && exclusions[^1].Excluded ? exclusions[^1] : null);
    }

    /// <summary>Every assessment not replaced by a correction (a correction names the record it replaces).</summary>
    private static IReadOnlyList<DiseaseAssessment> AssessmentsInForce(IReadOnlyList<AssessmentRecord> records)
    {
        var corrected = records.Where(r => r.CorrectsAssessmentId is not null).Select(r => r.CorrectsAssessmentId!).ToHashSet(StringComparer.Ordinal);
        return records.Where(r => !corrected.Contains(r.AssessmentId)).Select(r => r.Assessment).ToArray();
    }

    /// <summary>Each event as its versions up to the cut tell it; an event first reported after the cut is left out.</summary>
    private static IReadOnlyList<AdverseEventHistory> AsRecordedAt(IReadOnlyList<AdverseEventHistory> events, DateTimeOffset at) => events
        .Select(e => (e, Versions: e.Versions.Where(v => v.RecordedAt <= at).ToArray()))
        .Where(x => x.Versions.Length > 0)
        .Select(x => x.Versions.Length == x.e.Versions.Count ? x.e : AdverseEventHistory.Restore(x.e.AdverseEventId, x.e.ParticipantId, x.Versions))
        .ToArray();

    /// <summary>Age, largest diameter and FNCLCC grade as submitted at screening (the grade derived from its components when only those were given).</summary>
    private BaselineCharacteristics BaselineOf(ScreeningRecord screening)
    {
        var parsed = ScreeningSubmissionParser.Parse(screening.SubmissionJson, ProtocolCatalog.TryGet(screening.ProtocolVersion, out var p) ? p! : protocol);
        if (parsed.Submission is not { } submission) return BaselineCharacteristics.Unknown;
        var grade = submission.Tumor.FnclccGrade
                    ?? (submission.Tumor.FnclccComponents is { } components ? FnclccGrade.FromComponents(components, protocol.Fnclcc) : null);
        return new BaselineCharacteristics(submission.Patient.AgeYears, submission.Tumor.MaxDiameterCm, grade);
    }

    /// <summary>
    /// The participant in the CONSORT flow's terms. <b>Received the allocated intervention</b> is decided by the first
    /// visit of the arm's own treatment in protocol order: the first chemotherapy cycle (C1D1) for the neoadjuvant arm,
    /// the operation (SURGERY) for surgery alone. The first cycle, not surgery, marks the neoadjuvant arm: the allocated
    /// intervention is the combined course, it starts with cycle 1, and a participant who went straight to surgery did
    /// not receive it. False when that visit can no longer happen without having been done (death, withdrawal or an
    /// allocation in error first, or the visit marked missed); null while it may still happen. Reasons are codes,
    /// never the site's free text.
    /// </summary>
    private static ParticipantSummary Summarise(ParticipantData file, BaselineCharacteristics baseline)
    {
        var participant = file.Participant;
        var inForce = file.InForce;
        var death = inForce.Select(r => r.Event).OfType<Died>().FirstOrDefault();
        var withdrawal = inForce.Select(r => r.Event).OfType<Withdrawn>().FirstOrDefault();
        var inError = inForce.Any(r => r.Event is AllocatedInError);

        bool? received = null;
        string? notReceived = null;
        var first = FirstTreatmentVisit(file.Protocol, participant.Arm);
        var latest = file.LatestVisits;
        if (first is not null && latest.TryGetValue(first.Id, out var visit) && visit.Status == RecordedVisitStatus.Completed)
            received = true;
        else if (first is not null)
        {
            notReceived = death is not null ? "died before treatment"
                : withdrawal is not null ? "withdrawn before treatment"
                : inError ? "allocated in error"
                : latest.TryGetValue(first.Id, out var missed) && missed.Status == RecordedVisitStatus.Missed ? $"{first.Id} not given"
                : null;
            received = notReceived is null ? null : false;
        }

        return new ParticipantSummary(participant.ParticipantId, participant.SiteId, participant.Stratum, participant.Arm,
            participant.AllocatedOn, baseline, received, notReceived,
            file.Exclusion is { } exclusion ? $"{exclusion.CriterionId}: final pathology" : null,
            withdrawal is not null ? ContractName.Of(withdrawal.Reason) : null,
            inForce.Any(r => r.Event is LostToFollowUp),
            inError);
    }

    private static VisitDefinition? FirstTreatmentVisit(ProtocolDefinition protocol, string arm) =>
        protocol.Schedule.Visits.FirstOrDefault(v => v.Arms.Contains(arm) && v.Kind is VisitKind.ChemoCycle or VisitKind.Surgery);

    private static ParticipantOutcomes OutcomesOf(ParticipantData file)
    {
        var latest = file.LatestVisits;
        var completed = latest.Values.Where(v => v is { Status: RecordedVisitStatus.Completed, Date: not null }).ToArray();
        return new ParticipantOutcomes(file.Participant.ParticipantId, file.Participant.Arm, file.Participant.AllocatedOn,
            file.Assessments, SurgeryOf(file.Protocol, file.Participant.Arm, latest), file.Statuses,
            completed.Select(v => v.Date!.Value).ToArray(), file.Exclusion is not null);
    }

    /// <summary>The surgery date and resection status recorded with the arm's SURGERY visit (RecordVisit checked its data).</summary>
    private static SurgeryDetails? SurgeryOf(ProtocolDefinition protocol, string arm, IReadOnlyDictionary<string, RecordedVisit> latest)
    {
        var surgery = protocol.Schedule.Visits.FirstOrDefault(v => v.Arms.Contains(arm) && v.Kind == VisitKind.Surgery);
        if (surgery is null || !latest.TryGetValue(surgery.Id, out var visit)) return null;
        if (visit is not { Status: RecordedVisitStatus.Completed, Date: { } on, Data: { } data }) return null;
        return OutcomeBodyParser.SurgeryVisitData(data, on).Value;
    }

    /// <summary>
    /// The chemotherapy course of a participant of an arm with cycles, for the tolerance table. Target dates come
    /// from the schedule built as at the cut, so a delay is measured against the target the site was shown. The cycle
    /// visit's <c>data</c> may say <c>drugsGiven</c> (contract names of the regimen's drugs), <c>doseReduced</c>,
    /// <c>delayReason</c> and <c>stopReason</c> (a <see cref="TreatmentStopReason"/>); a cycle recorded done without
    /// <c>drugsGiven</c> counts as the full regimen given, because the visit records that the cycle was given and the
    /// site reports only deviations from it. A cycle visit marked missed with a stop-reason code as its reason gives
    /// the stop reason.
    /// </summary>
    private static NeoadjuvantCourse? CourseOf(ParticipantData file, DateTimeOffset at)
    {
        var cycles = file.Protocol.Schedule.Visits.Where(v => v.Kind == VisitKind.ChemoCycle && v.Arms.Contains(file.Participant.Arm)).ToArray();
        if (cycles.Length == 0) return null;
        var schedule = ScheduleBuilder.Build(file.Protocol, file.Timeline, SiteClock.Today(file.Protocol, file.Participant.SiteId, at));
        var latest = file.LatestVisits;
        var records = new List<CycleRecord>();
        TreatmentStopReason? stop = null;
        foreach (var cycle in cycles)
        {
            var target = schedule.Visit(cycle.Id).TargetDate;
            latest.TryGetValue(cycle.Id, out var visit);
            if (visit is { Status: RecordedVisitStatus.Missed, Reason: { } reason } && ContractName.TryParse<TreatmentStopReason>(reason, out var code))
                stop = code;
            if (target is null) continue;
            if (visit is not { Status: RecordedVisitStatus.Completed, Date: { } day })
            {
                records.Add(new CycleRecord(cycle.Id, target.Value, null, []));
                continue;
            }
            var data = visit.Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
            if (data is { } given && Text(given, "stopReason") is { } stopText && ContractName.TryParse<TreatmentStopReason>(stopText, out var stopCode))
                stop = stopCode;
            records.Add(new CycleRecord(cycle.Id, target.Value, day, DrugsGiven(data),
                data is { } x && x.TryGetProperty("doseReduced", out var reduced) && reduced.ValueKind == JsonValueKind.True,
                data is { } y ? Text(y, "delayReason") : null));
        }
        var surgery = SurgeryOf(file.Protocol, file.Participant.Arm, latest);
        return new NeoadjuvantCourse(file.Participant.ParticipantId, records, stop, surgery?.SurgeryDate);
    }

    private static IReadOnlyList<StudyDrug> DrugsGiven(JsonElement? data)
    {
        if (data is not { } d || !d.TryGetProperty("drugsGiven", out var list) || list.ValueKind != JsonValueKind.Array)
            return Enum.GetValues<StudyDrug>();
        var drugs = new List<StudyDrug>();
        foreach (var item in list.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String && ContractName.TryParse<StudyDrug>(item.GetString()!, out var drug) && !drugs.Contains(drug))
                drugs.Add(drug);
        return drugs;
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
