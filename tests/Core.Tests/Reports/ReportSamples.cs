using RpsServerless.Core.Protocol;
using RpsServerless.Core.Reports;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Reports;

/// <summary>Inputs for the report tests: a small hand-counted trial, and a simulated full-size one for the figures.</summary>
internal static class ReportSamples
{
    public static ProtocolDefinition Natars => ProtocolCatalog.Get();

    public static readonly DateTimeOffset DataCut = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Neoadjuvant = "neoadjuvant";
    public const string SurgeryOnly = "surgery_only";

    public static ScreeningSummary ScreeningOf(string id, string site, EligibilityOutcome outcome, string[]? failed = null,
        string[]? missing = null, string? participant = null) =>
        new(id, site, outcome, failed ?? [], missing ?? [], participant);

    public static ParticipantSummary Participant(string id, string site, string arm, string stratum = "DDLPS",
        BaselineCharacteristics? baseline = null) =>
        new(id, site, stratum, arm, new DateOnly(2026, 6, 1), baseline ?? BaselineCharacteristics.Unknown);

    // Eleven screenings at two sites, counted by hand in ConsortFlowTests.
    public static ScreeningSummary[] HandCountedScreenings =>
    [
        ScreeningOf("S01", "PKUIH", EligibilityOutcome.Ineligible, failed: ["I07", "E04"]),
        ScreeningOf("S02", "PKUIH", EligibilityOutcome.Ineligible, failed: ["E04"]),
        ScreeningOf("S03", "PKUIH", EligibilityOutcome.Incomplete, missing: ["I05"]),
        ScreeningOf("S04", "PKUIH", EligibilityOutcome.Eligible),
        ScreeningOf("S05", "PKUIH", EligibilityOutcome.Eligible, participant: "P1"),
        ScreeningOf("S06", "PKUIH", EligibilityOutcome.Eligible, participant: "P2"),
        ScreeningOf("S07", "PKUIH", EligibilityOutcome.Eligible, participant: "P3"),
        ScreeningOf("S08", "XJTU1", EligibilityOutcome.Ineligible, failed: ["I01", "I07", "E04"]),
        ScreeningOf("S09", "XJTU1", EligibilityOutcome.Incomplete, missing: ["I05", "I08"]),
        ScreeningOf("S10", "XJTU1", EligibilityOutcome.Eligible, participant: "P4"),
        ScreeningOf("S11", "XJTU1", EligibilityOutcome.Eligible, participant: "P5"),
    ];

    public static ParticipantSummary[] HandCountedParticipants =>
    [
        Participant("P1", "PKUIH", Neoadjuvant) with { ReceivedAllocatedIntervention = true },
        Participant("P2", "PKUIH", SurgeryOnly) with { ReceivedAllocatedIntervention = true, ExcludedAfterAllocation = "Final pathology: WDLPS" },
        Participant("P3", "PKUIH", Neoadjuvant) with
        {
            ReceivedAllocatedIntervention = false, InterventionNotReceivedReason = "Declined chemotherapy", Withdrawn = "Withdrew consent",
        },
        Participant("P4", "XJTU1", SurgeryOnly) with { LostToFollowUp = true },
        Participant("P5", "XJTU1", Neoadjuvant) with { ReceivedAllocatedIntervention = true, AllocatedInError = true },
    ];

    /// <summary>
    /// A simulated NATARS at its planned size: 102 participants over 24 months at the seven sites, exponential PFS
    /// (median 30 vs 22 months) and OS, administrative censoring at the data cut and a few losses.
    /// </summary>
    public static SimulatedTrial Simulated()
    {
        var random = new Random(20230505);
        var protocol = Natars;
        var sites = protocol.Sites.Select(s => s.Id).ToArray();
        string[] strata = ["DDLPS", "LMS", "UPS", "SFT"];
        var start = new DateOnly(2025, 1, 6);
        var cut = DateOnly.FromDateTime(DataCut.UtcDateTime);
        var screenings = new List<ScreeningSummary>();
        var participants = new List<ParticipantSummary>();
        var pfs = new List<TimeToEvent>();
        var os = new List<TimeToEvent>();
        string[] failing = ["I01", "I02", "I06", "I07", "I08", "I10", "E01", "E04", "E04", "E04", "E08", "I14"];
        string[] withdrawals = ["Withdrew consent", "Moved to another city & declined follow-up", "Withdrew consent"];
        for (var n = 1; participants.Count < 102; n++)
        {
            var site = sites[random.Next(sites.Length)];
            var id = $"scr_{n:000}";
            var draw = random.NextDouble();
            if (draw < 0.22)
            {
                var failed = new[] { failing[random.Next(failing.Length)] }.Concat(random.NextDouble() < 0.3 ? [failing[random.Next(failing.Length)]] : []).Distinct().ToArray();
                screenings.Add(ScreeningOf(id, site, EligibilityOutcome.Ineligible, failed: failed));
                continue;
            }
            if (draw < 0.28) { screenings.Add(ScreeningOf(id, site, EligibilityOutcome.Incomplete, missing: [random.NextDouble() < 0.6 ? "I05" : "I08"])); continue; }
            if (draw < 0.31) { screenings.Add(ScreeningOf(id, site, EligibilityOutcome.Eligible)); continue; }

            var participantId = $"NATARS-{site}-{participants.Count + 1:0000}";
            screenings.Add(ScreeningOf(id, site, EligibilityOutcome.Eligible, participant: participantId));
            var arm = participants.Count % 2 == 0 ? (random.NextDouble() < 0.5 ? Neoadjuvant : SurgeryOnly) : (participants[^1].Arm == Neoadjuvant ? SurgeryOnly : Neoadjuvant);
            var stratum = strata[random.Next(strata.Length)];
            var allocatedOn = start.AddDays(participants.Count * 7);
            var grade = random.NextDouble() < 0.08 ? (int?)null : stratum == "DDLPS" ? random.Next(2, 4) : random.Next(1, 4);
            var baseline = new BaselineCharacteristics(
                random.NextDouble() < 0.03 ? null : 40 + random.Next(0, 35),
                random.NextDouble() < 0.05 ? null : Math.Round(8m + (decimal)(random.NextDouble() * 22), 1),
                grade);
            var lost = random.NextDouble() < 0.04;
            var withdrawn = random.NextDouble() < 0.05 ? withdrawals[random.Next(withdrawals.Length)] : null;
            var received = (allocatedOn.DayNumber > cut.DayNumber - 20) ? (bool?)null : random.NextDouble() > 0.06;
            participants.Add(new ParticipantSummary(participantId, site, stratum, arm, allocatedOn, baseline,
                received, received == false ? (arm == Neoadjuvant ? "Declined chemotherapy" : "Unresectable at laparotomy") : null,
                random.NextDouble() < 0.05 ? "Final pathology: WDLPS" : null, withdrawn, lost, random.NextDouble() < 0.01));

            var followUp = cut.DayNumber - allocatedOn.DayNumber;
            if (lost || withdrawn is not null) followUp = (int)(followUp * random.NextDouble());
            var monthDays = 365.25 / 12;
            var progression = Math.Ceiling(-Math.Log(random.NextDouble()) * (arm == Neoadjuvant ? 30 : 22) * monthDays / Math.Log(2));
            var death = Math.Ceiling(progression + -Math.Log(random.NextDouble()) * 20 * monthDays / Math.Log(2));
            pfs.Add(new TimeToEvent(participantId, arm, Math.Min(progression, followUp), progression <= followUp));
            os.Add(new TimeToEvent(participantId, arm, Math.Min(death, followUp), death <= followUp));
        }
        return new SimulatedTrial(screenings, participants, pfs, os);
    }
}

internal sealed record SimulatedTrial(
    IReadOnlyList<ScreeningSummary> Screenings,
    IReadOnlyList<ParticipantSummary> Participants,
    IReadOnlyList<TimeToEvent> Pfs,
    IReadOnlyList<TimeToEvent> Os);
