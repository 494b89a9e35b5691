namespace RpsServerless.Core.Statistics;

/// <summary>
/// Kaplan–Meier curves per group and the log-rank test between them, from one sort of the pooled sample: what R's
/// <c>survfit(Surv(time, status) ~ group)</c> and <c>survdiff(...)</c> report for the same data.
/// </summary>
/// <param name="Curves">One curve per group, in ordinal order of the group names (R's factor levels in the C locale).</param>
/// <param name="LogRank">Null for a single group, or where no two groups have expected events.</param>
public sealed record SurvivalAnalysis(IReadOnlyList<KaplanMeierCurve> Curves, LogRankTest? LogRank)
{
    public static SurvivalAnalysis Analyse(SurvivalSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var names = sample.Groups;
        var groupCount = names.Count;

        // Work in the output order: position p holds the group names[order[p]].
        var order = Enumerable.Range(0, groupCount).OrderBy(g => names[g], StringComparer.Ordinal).ToArray();
        var position = new int[groupCount];
        for (var p = 0; p < groupCount; p++) position[order[p]] = p;

        var times = sample.Times.ToArray();
        var subjects = new int[sample.Count];
        var groupOf = sample.GroupOf;
        var events = sample.Events;
        var atRisk = new int[groupCount];
        for (var i = 0; i < subjects.Length; i++)
        {
            var p = position[groupOf[i]];
            atRisk[p]++;
            subjects[i] = p << 1 | (events[i] ? 1 : 0);
        }
        Array.Sort(times, subjects);
        TieAlmostEqualTimes(times);

        var curves = new KaplanMeierCurve.Accumulator[groupCount];
        for (var p = 0; p < groupCount; p++) curves[p] = new KaplanMeierCurve.Accumulator(names[order[p]], atRisk[p]);
        var logRank = new LogRankTest.Accumulator(groupCount);
        var eventsAt = new int[groupCount];
        var censoredAt = new int[groupCount];
        var totalAtRisk = times.Length;

        for (var start = 0; start < times.Length;)
        {
            var time = times[start];
            var end = start;
            var totalEvents = 0;
            for (; end < times.Length && times[end] == time; end++)
            {
                var subject = subjects[end];
                if ((subject & 1) == 1) { eventsAt[subject >> 1]++; totalEvents++; }
                else censoredAt[subject >> 1]++;
            }

            // Censored at t are still at risk at t: events are counted first, removals after.
            if (totalEvents > 0) logRank.AddEventTime(atRisk, eventsAt, totalAtRisk, totalEvents);
            for (var p = 0; p < groupCount; p++)
            {
                var leaving = eventsAt[p] + censoredAt[p];
                if (leaving == 0) continue;
                curves[p].Add(time, atRisk[p], eventsAt[p], censoredAt[p]);
                atRisk[p] -= leaving;
                eventsAt[p] = 0;
                censoredAt[p] = 0;
            }
            totalAtRisk -= end - start;
            start = end;
        }

        return new SurvivalAnalysis(
            curves.Select(c => c.Complete()).ToArray(),
            groupCount > 1 ? logRank.Complete() : null);
    }

    /// <summary>
    /// R's survival package (<c>timefix = TRUE</c>, its <c>aeqSurv</c>) treats consecutive distinct times that differ by
    /// at most sqrt(ε), absolutely or relative to the mean distinct time, as one time: the smallest of the run. Without
    /// this, a time computed as 0.1 + 0.2 and a time of 0.3 would be two rows here and one row in R.
    /// </summary>
    private static void TieAlmostEqualTimes(double[] sortedTimes)
    {
        if (sortedTimes.Length < 2) return;
        var tolerance = Math.Sqrt(Math.BitIncrement(1.0) - 1.0);
        double sum = 0;
        var distinct = 0;
        for (var i = 0; i < sortedTimes.Length; i++)
        {
            if (i > 0 && sortedTimes[i] == sortedTimes[i - 1]) continue;
            sum += sortedTimes[i];
            distinct++;
        }
        if (distinct < 2) return;
        var mean = sum / distinct;

        double previous = sortedTimes[0], cut = sortedTimes[0];
        for (var i = 1; i < sortedTimes.Length; i++)
        {
            var time = sortedTimes[i];
            if (time != previous)
            {
                var gap = time - previous;
                if (!(gap <= tolerance || gap / mean <= tolerance)) cut = time;
                previous = time;
            }
            sortedTimes[i] = cut;
        }
    }
}
