namespace RpsServerless.Core.Statistics;

/// <summary>
/// The Kaplan–Meier (product-limit) estimate of one group, equal to R's
/// <c>survfit(Surv(time, status) ~ group)</c> with its defaults: Greenwood variance and a 95 % interval with
/// <c>conf.type = "log"</c>. Built by <see cref="SurvivalAnalysis.Analyse"/>.
/// </summary>
public sealed class KaplanMeierCurve
{
    /// <summary>qnorm(0.975), the z of R's default 95 % interval, to the last bit.</summary>
    public const double ConfidenceZ = 1.9599639845400536;

    // R's survmean() treats a survival within sqrt(.Machine$double.eps) of 0.5 as exactly 0.5.
    private static readonly double MedianTolerance = Math.Sqrt(Math.BitIncrement(1.0) - 1.0);

    private readonly SurvivalTableRow[] _table;

    private KaplanMeierCurve(string group, int subjects, int events, SurvivalTableRow[] table)
    {
        Group = group;
        Subjects = subjects;
        Events = events;
        _table = table;
        Median = FindMedian(table);
    }

    public string Group { get; }

    /// <summary>Subjects in the group (R's <c>n</c>).</summary>
    public int Subjects { get; }

    /// <summary>Events in the group.</summary>
    public int Events { get; }

    /// <summary>One row per distinct time with at least one event or censoring, in increasing time.</summary>
    public IReadOnlyList<SurvivalTableRow> Table => _table;

    public MedianSurvival Median { get; }

    /// <summary>The curve at <paramref name="time"/> (<c>summary(fit, times = time)</c>).</summary>
    public SurvivalEstimate At(double time)
    {
        if (_table.Length == 0 || time > _table[^1].Time)
            return new SurvivalEstimate(time, null, null, null, null);
        var index = LastRowAtOrBefore(time);
        if (index < 0)
            return new SurvivalEstimate(time, 1.0, 0.0, 1.0, 1.0);
        var row = _table[index];
        return new SurvivalEstimate(time, row.Survival, row.StdErr, row.Lower, row.Upper);
    }

    private int LastRowAtOrBefore(double time)
    {
        int low = 0, high = _table.Length - 1, found = -1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            if (_table[middle].Time <= time) { found = middle; low = middle + 1; }
            else high = middle - 1;
        }
        return found;
    }

    // print.survfit takes the median of the curve and its limits from the lower and upper confidence curves, each by
    // the same rule (survmean's minmin): the first time the curve is at or below 0.5; where it is exactly 0.5 there,
    // and falls lower later, the midpoint between that time and the first time it is lower.
    private static MedianSurvival FindMedian(SurvivalTableRow[] table) => new(
        FirstTimeAtOrBelowHalf(table, static r => r.Survival),
        FirstTimeAtOrBelowHalf(table, static r => r.Lower ?? double.NaN),
        FirstTimeAtOrBelowHalf(table, static r => r.Upper ?? double.NaN));

    private static double? FirstTimeAtOrBelowHalf(SurvivalTableRow[] table, Func<SurvivalTableRow, double> curve)
    {
        for (var i = 0; i < table.Length; i++)
        {
            var value = curve(table[i]);
            // NaN (R's NA, where the estimate is 0) never qualifies, as in minmin's !is.na(y).
            if (!(value < 0.5 + MedianTolerance)) continue;
            if (Math.Abs(value - 0.5) >= MedianTolerance) return table[i].Time;
            for (var j = i + 1; j < table.Length; j++)
                if (curve(table[j]) < value) return (table[i].Time + table[j].Time) / 2;
            return table[i].Time;
        }
        return null;
    }

    /// <summary>
    /// Accumulates the product-limit estimate time by time, in increasing time, as the sweep of
    /// <see cref="SurvivalAnalysis"/> delivers the counts.
    /// </summary>
    internal sealed class Accumulator(string group, int subjects)
    {
        private readonly List<SurvivalTableRow> _rows = [];
        private double _survival = 1.0;
        // Greenwood: the variance of log S is the running sum of d / (n (n - d)); +∞ once everyone at risk has died.
        private double _logVariance;
        private int _events;

        public void Add(double time, int atRisk, int events, int censored)
        {
            if (events > 0)
            {
                _survival *= (double)(atRisk - events) / atRisk;
                _logVariance += (double)events / ((double)atRisk * (atRisk - events));
                _events += events;
            }

            double? stdErr = null, lower = null, upper = null;
            if (_survival > 0)
            {
                var logStdErr = Math.Sqrt(_logVariance);
                stdErr = _survival * logStdErr;
                var logSurvival = Math.Log(_survival);
                lower = Math.Exp(logSurvival - ConfidenceZ * logStdErr);
                upper = Math.Min(1.0, Math.Exp(logSurvival + ConfidenceZ * logStdErr));
            }
            _rows.Add(new SurvivalTableRow(time, atRisk, events, censored, _survival, stdErr, lower, upper));
        }

        public KaplanMeierCurve Complete() => new(group, subjects, _events, _rows.ToArray());
    }
}
