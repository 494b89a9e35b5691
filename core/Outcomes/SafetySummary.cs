namespace RpsServerless.Core.Outcomes;

/// <summary>The adverse events of one participant, in the arm allocated.</summary>
public sealed record ParticipantSafety(string ParticipantId, string Arm, IReadOnlyList<AdverseEventHistory> AdverseEvents);

/// <summary>Participants by the worst CTCAE grade of any of their adverse events; <see cref="None"/> had no AE.</summary>
public sealed record WorstGradeCounts(int None, int Grade1, int Grade2, int Grade3, int Grade4, int Grade5);

/// <summary>How often a CTCAE term was reported in an arm: by participants (each counted once) and by events.</summary>
public sealed record TermFrequency(string Term, int Participants, int Events);

public sealed record ArmSafety(
    string Arm,
    int Participants,
    WorstGradeCounts WorstGrade,
    int AdverseEvents,
    int SeriousAdverseEvents,
    int ParticipantsWithSeriousAdverseEvent,
    IReadOnlyList<TermFrequency> MostFrequentTerms);

public sealed record StopReasonCount(TreatmentStopReason Reason, int Participants);

/// <summary>Tolerance of the neoadjuvant arm (protocol.md §6).</summary>
/// <param name="MedianDelayDays">Median days beyond target over every cycle started (on-time cycles count as 0).</param>
/// <param name="MedianDaysLastCycleToSurgery">Over the participants with a cycle and surgery.</param>
public sealed record ToleranceSummary(
    int Participants,
    int CyclesPlanned,
    int CompletedAllCycles,
    int CyclesStarted,
    int CyclesDelayed,
    double? MedianDelayDays,
    int ParticipantsWithDoseReduction,
    int CyclesWithDoseReduction,
    double? MedianDaysLastCycleToSurgery,
    IReadOnlyList<StopReasonCount> StopReasons,
    int StopReasonsMissing);

public sealed record SafetyReport(IReadOnlyList<ArmSafety> Arms, ToleranceSummary NeoadjuvantTolerance);

/// <summary>
/// The safety tables of <c>GET /api/reports/safety</c>. Participants are counted in the arm allocated (the ITT
/// population, as every other NATARS table): the trial has no separate "as treated" safety population, and a
/// surgery-only participant's AEs are surgical ones the comparison needs.
/// </summary>
public static class SafetySummary
{
    /// <summary>How many terms <see cref="ArmSafety.MostFrequentTerms"/> lists by default.</summary>
    public const int DefaultTermCount = 10;

    /// <param name="arms">The protocol's arm ids, in the order the report lists them; every arm appears, empty or not.</param>
    public static IReadOnlyList<ArmSafety> ByArm(IEnumerable<ParticipantSafety> participants, IReadOnlyList<string> arms, int termCount = DefaultTermCount)
    {
        var byArm = participants.ToLookup(p => p.Arm, StringComparer.Ordinal);
        return arms.Select(arm => Arm(arm, byArm[arm].ToArray(), termCount)).ToArray();
    }

    public static SafetyReport Report(
        IEnumerable<ParticipantSafety> participants, IEnumerable<ParticipantTolerance> neoadjuvant, IReadOnlyList<string> arms, int cyclesPlanned,
        int termCount = DefaultTermCount) =>
        new(ByArm(participants, arms, termCount), Summarise(neoadjuvant, cyclesPlanned));

    private static ArmSafety Arm(string arm, ParticipantSafety[] participants, int termCount)
    {
        var grades = new int[CtcaeGrade.Fatal + 1];
        int events = 0, serious = 0, withSerious = 0;
        // Terms are compared without case or surrounding blanks: "Anaemia" and "anaemia " are one CTCAE term. The
        // first spelling seen is the one printed.
        var terms = new Dictionary<string, (string Shown, HashSet<string> Participants, int Events)>(StringComparer.OrdinalIgnoreCase);
        foreach (var participant in participants)
        {
            var worst = 0;
            var anySerious = false;
            foreach (var ae in participant.AdverseEvents)
            {
                events++;
                worst = Math.Max(worst, ae.WorstGrade);
                if (ae.IsSerious)
                {
                    serious++;
                    anySerious = true;
                }
                var term = ae.Current.Term.Trim();
                if (!terms.TryGetValue(term, out var entry)) entry = (term, new HashSet<string>(StringComparer.Ordinal), 0);
                entry.Participants.Add(participant.ParticipantId);
                terms[term] = (entry.Shown, entry.Participants, entry.Events + 1);
            }
            grades[worst]++;
            if (anySerious) withSerious++;
        }
        var frequent = terms.Values
            .Select(t => new TermFrequency(t.Shown, t.Participants.Count, t.Events))
            .OrderByDescending(t => t.Participants).ThenByDescending(t => t.Events).ThenBy(t => t.Term, StringComparer.Ordinal)
            .Take(termCount)
            .ToArray();
        return new ArmSafety(arm, participants.Length, new WorstGradeCounts(grades[0], grades[1], grades[2], grades[3], grades[4], grades[5]),
            events, serious, withSerious, frequent);
    }

    public static ToleranceSummary Summarise(IEnumerable<ParticipantTolerance> participants, int cyclesPlanned)
    {
        var all = participants.ToArray();
        var delays = all.SelectMany(p => p.Delays).Select(d => (double)d.DaysBeyondTarget).ToArray();
        var toSurgery = all.Where(p => p.DaysFromLastCycleToSurgery is not null).Select(p => (double)p.DaysFromLastCycleToSurgery!.Value).ToArray();
        var stops = all.Where(p => p.StopReason is not null).GroupBy(p => p.StopReason!.Value).OrderBy(g => g.Key)
            .Select(g => new StopReasonCount(g.Key, g.Count())).ToArray();
        return new ToleranceSummary(
            all.Length,
            cyclesPlanned,
            all.Count(p => p.CompletedAllCycles),
            all.Sum(p => p.CyclesStarted),
            delays.Count(d => d > 0),
            Median(delays),
            all.Count(p => p.CyclesWithDoseReduction > 0),
            all.Sum(p => p.CyclesWithDoseReduction),
            Median(toSurgery),
            stops,
            all.Count(p => p.StopReasonMissing));
    }

    /// <summary>The middle value, or the mean of the two middle values; null for no values.</summary>
    public static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
