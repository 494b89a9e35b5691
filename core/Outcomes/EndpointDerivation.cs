using System.Text.Json.Serialization;

namespace RpsServerless.Core.Outcomes;

/// <summary>The time-to-event parameters of the ADTTE dataset.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EndpointParameter>))]
public enum EndpointParameter
{
    [JsonStringEnumMemberName("PFS")] Pfs,
    [JsonStringEnumMemberName("OS")] Os,
}

/// <summary>Everything recorded for one participant that the endpoints depend on.</summary>
/// <param name="Arm">The allocated arm id (ITT: the arm allocated, whatever was given).</param>
/// <param name="CompletedVisitDates">Actual dates of the visits done (any visit of the schedule): each is a day the participant was seen alive.</param>
/// <param name="ExcludedAfterAllocation">E02 failed on final pathology (<see cref="FinalPathologyJudgement"/>).</param>
public sealed record ParticipantOutcomes(
    string ParticipantId,
    string Arm,
    DateOnly AllocationDate,
    IReadOnlyList<DiseaseAssessment> Assessments,
    SurgeryDetails? Surgery,
    IReadOnlyList<ParticipantStatusRecord> StatusRecords,
    IReadOnlyList<DateOnly> CompletedVisitDates,
    bool ExcludedAfterAllocation = false);

/// <summary>
/// One time-to-event value in ADaM ADTTE terms: STARTDT (allocation), ADT (event or censoring date),
/// AVAL = ADT − STARTDT in days, CNSR 0 for an event and 1 for censoring, and EVNTDESC or CNSDTDSC.
/// </summary>
public sealed record TimeToEvent(
    EndpointParameter Parameter,
    DateOnly StartDate,
    DateOnly AnalysisDate,
    string? EventDescription,
    string? CensoringDescription)
{
    public int Days => AnalysisDate.DayNumber - StartDate.DayNumber;

    public bool IsEvent => EventDescription is not null;

    /// <summary>ADaM CNSR: 0 event, 1 censored.</summary>
    public int Censor => IsEvent ? 0 : 1;
}

/// <summary>
/// The endpoints of one participant. Participants allocated in error or excluded after allocation stay in the ITT
/// analysis (every allocated participant is analysed in the allocated arm); the flags let the statistician run the
/// per-protocol sensitivity analysis without a second derivation.
/// </summary>
public sealed record ParticipantEndpoints(
    string ParticipantId,
    string Arm,
    TimeToEvent Pfs,
    TimeToEvent Os,
    bool AllocatedInError,
    bool ExcludedAfterAllocation);

/// <summary>The EVNTDESC and CNSDTDSC texts of the export, fixed so analysis code can key on them.</summary>
public static class EndpointDescriptions
{
    public const string DistantMetastasis = "DISTANT METASTASIS";
    public const string LocalRecurrence = "LOCAL RECURRENCE";
    public const string Progression = "PROGRESSION (RECIST 1.1)";
    public const string UnresectableAtSurgery = "UNRESECTABLE AT SURGERY";
    public const string R2Resection = "R2 RESECTION";
    public const string Death = "DEATH";

    public const string LastEvaluableAssessment = "LAST EVALUABLE DISEASE ASSESSMENT";
    public const string LastAssessmentBeforeWithdrawal = "LAST EVALUABLE DISEASE ASSESSMENT BEFORE WITHDRAWAL";
    public const string NoEvaluableAssessment = "ALLOCATION DATE (NO EVALUABLE DISEASE ASSESSMENT)";
    public const string LastKnownAlive = "LAST DATE KNOWN ALIVE";
}

/// <summary>
/// PFS and OS of one participant (protocol.md §6). Pure: the same records always give the same values, so a data cut
/// can be re-derived and checked.
/// </summary>
public static class EndpointDerivation
{
    public static ParticipantEndpoints Derive(ParticipantOutcomes participant)
    {
        var inForce = ParticipantStatusHistory.InForce(participant.StatusRecords);
        var death = inForce.Select(r => r.Event).OfType<Died>().FirstOrDefault();
        var withdrawal = inForce.Select(r => r.Event).OfType<Withdrawn>().FirstOrDefault();
        return new ParticipantEndpoints(
            participant.ParticipantId,
            participant.Arm,
            ProgressionFreeSurvival(participant, death, withdrawal),
            OverallSurvival(participant, inForce, death),
            inForce.Any(r => r.Event is AllocatedInError),
            participant.ExcludedAfterAllocation);
    }

    /// <summary>
    /// PFS: allocation to the first of progression (RECIST 1.1), an unresectable tumour or R2 resection (on the
    /// surgery date), local recurrence, distant metastasis or death from any cause; otherwise censored at the last
    /// evaluable assessment, or at allocation (AVAL 0) when there is none.
    /// </summary>
    public static TimeToEvent ProgressionFreeSurvival(ParticipantOutcomes participant, Died? death, Withdrawn? withdrawal)
    {
        var start = participant.AllocationDate;
        // The records that count lie between allocation and the end of observation. Imaging before allocation is the
        // baseline, not follow-up. Nothing after death can be an observation (an assessment dated after death is a
        // data error and is ignored here; the status checks reject the death instead where they can). After
        // withdrawal the participant is no longer followed for disease, so later records are ignored and the
        // participant is censored at the last assessment up to the withdrawal date.
        var end = Min(death?.On, withdrawal?.On);
        bool Observed(DateOnly date) => date >= start && (end is null || date <= end);

        // Candidates in the order that breaks ties on the same day: a disease event is preferred to death (the death
        // of a participant with documented progression the same day is a progression for the analysis of event
        // types), and the more advanced disease finding is named first. Ties change only the description, never ADT.
        var candidates = new List<(DateOnly Date, int Rank, string Description)>();
        foreach (var assessment in participant.Assessments)
        {
            if (!assessment.IsDiseaseEvent || !Observed(assessment.ImagingDate)) continue;
            // Any RECIST progression counts, in either arm: counting it only "during neoadjuvant therapy" would leave
            // a progression seen before surgery in the surgery-only arm uncounted and bias the comparison.
            candidates.Add(assessment.Result switch
            {
                AssessmentResult.DistantMetastasis => (assessment.ImagingDate, 0, EndpointDescriptions.DistantMetastasis),
                AssessmentResult.LocalRecurrence => (assessment.ImagingDate, 1, EndpointDescriptions.LocalRecurrence),
                _ => (assessment.ImagingDate, 2, EndpointDescriptions.Progression),
            });
        }
        if (participant.Surgery is { IsDiseaseEvent: true } surgery && Observed(surgery.SurgeryDate))
            candidates.Add((surgery.SurgeryDate, 3, surgery.Resection == Resection.Unresectable
                ? EndpointDescriptions.UnresectableAtSurgery
                : EndpointDescriptions.R2Resection));
        // Death ends PFS whenever it is known, except after withdrawal, where the participant is censored at the last
        // assessment before withdrawal (deaths reported from registries still count for OS).
        if (death is not null && death.On >= start && (withdrawal is null || death.On <= withdrawal.On))
            candidates.Add((death.On, 4, EndpointDescriptions.Death));

        if (candidates.Count > 0)
        {
            // The first event is the event; everything after it is ignored.
            var first = candidates.OrderBy(c => c.Date).ThenBy(c => c.Rank).First();
            return new TimeToEvent(EndpointParameter.Pfs, start, first.Date, first.Description, null);
        }

        DateOnly? lastAssessment = null;
        foreach (var assessment in participant.Assessments)
            if (Observed(assessment.ImagingDate) && (lastAssessment is null || assessment.ImagingDate > lastAssessment))
                lastAssessment = assessment.ImagingDate;
        if (lastAssessment is not { } censorDate)
            return new TimeToEvent(EndpointParameter.Pfs, start, start, null, EndpointDescriptions.NoEvaluableAssessment);
        return new TimeToEvent(EndpointParameter.Pfs, start, censorDate, null,
            withdrawal is null ? EndpointDescriptions.LastEvaluableAssessment : EndpointDescriptions.LastAssessmentBeforeWithdrawal);
    }

    /// <summary>
    /// OS: allocation to death from any cause; otherwise censored at the last date known alive, which is the latest
    /// of: allocation, an <c>alive</c> status, the last-known-alive date of a loss to follow-up, a withdrawal date, a
    /// completed visit, an imaging assessment, the surgery date. Adverse-event dates are not used: they are often
    /// reported second-hand, and a fatal event's dates can be the day of death. Pathology report dates are lab dates,
    /// not contacts.
    /// </summary>
    public static TimeToEvent OverallSurvival(ParticipantOutcomes participant, IReadOnlyList<ParticipantStatusRecord> inForce, Died? death)
    {
        var start = participant.AllocationDate;
        if (death is not null && death.On >= start)
            return new TimeToEvent(EndpointParameter.Os, start, death.On, EndpointDescriptions.Death, null);

        var lastAlive = start;
        void Seen(DateOnly date)
        {
            if (date > lastAlive) lastAlive = date;
        }
        if (ParticipantStatusHistory.LatestKnownAlive(inForce) is { } statusAlive) Seen(statusAlive);
        foreach (var visit in participant.CompletedVisitDates) Seen(visit);
        foreach (var assessment in participant.Assessments) Seen(assessment.ImagingDate);
        if (participant.Surgery is { } surgery) Seen(surgery.SurgeryDate);
        return new TimeToEvent(EndpointParameter.Os, start, lastAlive, null, EndpointDescriptions.LastKnownAlive);
    }

    private static DateOnly? Min(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
