using System.Globalization;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;

namespace RpsServerless.Core.Tests.Scheduling;

/// <summary>NATARS-1.0 participants and dates for the scheduling tests.</summary>
internal static class Natars
{
    public const string ParticipantId = "NATARS-PKUIH-0007";
    public const string Neoadjuvant = "neoadjuvant";
    public const string SurgeryOnly = "surgery_only";

    public static ProtocolDefinition Protocol => ProtocolCatalog.Get("NATARS-1.0");

    /// <summary>NATARS-1.0 with the study end date moved (as an amendment would), to reach the SURV visits.</summary>
    public static ProtocolDefinition WithStudyEnd(DateOnly end) =>
        Protocol with { Trial = Protocol.Trial with { StudyEndDate = end } };

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static RecordedVisit Done(string visitId, string on) => RecordedVisit.Completed(visitId, D(on));

    public static RecordedVisit Missed(string visitId) => RecordedVisit.Missed(visitId, "Patient unwell; cycle not given.");

    public static ParticipantTimeline Participant(string arm, string allocatedOn, params RecordedVisit[] visits) =>
        new(ParticipantId, "PKUIH", arm, D(allocatedOn), visits);

    public static ParticipantSchedule Build(ParticipantTimeline participant, string today) =>
        ScheduleBuilder.Build(Protocol, participant, D(today));

    /// <summary>"C2D1 2026-12-27 2026-12-24 2027-01-10": id, target, window start, window end.</summary>
    public static string Row(ScheduledVisit v) =>
        $"{v.VisitId} {Iso(v.TargetDate)} {Iso(v.WindowStart)} {Iso(v.WindowEnd)}";

    public static string Iso(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";

    public static VisitStatus StatusOf(ParticipantSchedule s, string visitId) => s.Visit(visitId).Status;
}
