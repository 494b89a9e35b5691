using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>Hand-built participants and records for the outcome tests.</summary>
internal static class Outcomes
{
    public static ProtocolDefinition Natars => ProtocolCatalog.Get("NATARS-1.0");

    public static readonly DateOnly Allocated = new(2027, 1, 4);

    public static DateOnly Day(int days) => Allocated.AddDays(days);

    public static ParticipantOutcomes Participant(
        string arm = "neoadjuvant",
        DiseaseAssessment[]? assessments = null,
        SurgeryDetails? surgery = null,
        ParticipantStatusEvent[]? status = null,
        DateOnly[]? visits = null,
        string id = "NATARS-PKUIH-0001") =>
        new(id, arm, Allocated, assessments ?? [], surgery, Records(status ?? []), visits ?? []);

    public static ParticipantStatusRecord[] Records(params ParticipantStatusEvent[] events) =>
        events.Select((e, i) => new ParticipantStatusRecord(i + 1, e, At(i))).ToArray();

    public static DiseaseAssessment Scan(int day, AssessmentResult result) => new(Day(day), result);

    public static DateTimeOffset At(int hours) => new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero).AddHours(hours);

    public static readonly Relatedness NotRelated = new(Causality.NotRelated, Causality.NotRelated, Causality.NotRelated, null);

    public static AdverseEventFacts Ae(string term = "Neutrophil count decreased", int grade = 3, bool serious = false,
        SeriousnessCriterion[]? criteria = null, DateTimeOffset? awareAt = null, DateTimeOffset? sentAt = null,
        AdverseEventOutcome outcome = AdverseEventOutcome.Recovering) =>
        new(term, grade, new DateOnly(2027, 3, 1), null, serious, criteria ?? (serious ? [SeriousnessCriterion.Hospitalisation] : []),
            NotRelated, ActionTaken.DoseDelayed, outcome, awareAt ?? At(0), sentAt);
}
