using System.Globalization;
using System.Text;
using System.Xml.Linq;
using RpsServerless.Core.Statistics;

namespace RpsServerless.Core.Reports;

/// <summary>
/// <c>GET /api/reports/survival.svg</c>: the Kaplan–Meier plot of a <see cref="SurvivalReport"/> as a statistician
/// expects it in a DMC report: step curves per arm that stay apart in greyscale (colour and dash), censoring ticks,
/// survival probability 0–1, months since allocation, the numbers at risk under each month tick, the landmarks, and
/// the log-rank p.
/// </summary>
public static class KaplanMeierPlot
{
    /// <summary>Days in an average month: the x axis is in months because the protocol's landmarks are (12 and 36).</summary>
    public const double DaysPerMonth = 365.25 / 12;

    private const double Width = 960;
    private const double RightMargin = 36;
    private const double PlotHeight = 360;
    private const double RowHeight = 22;

    // Okabe–Ito colours (safe for colour-blind readers) with different dashes and widths, so the arms differ in print.
    private static readonly (string Colour, string? Dash, double Width)[] Styles =
    [
        ("#0b4f9c", null, 2.4),
        ("#d55e00", "9 5", 2.4),
        ("#009e73", "2 4", 2.4),
        ("#6a3d9a", "10 4 2 4", 2.4),
    ];

    public static string Render(SurvivalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var content = new List<XElement>();
        var arms = report.Arms;
        string Label(SurvivalArmSummary arm) => report.ArmLabels.TryGetValue(arm.Arm, out var label) ? label : arm.Arm;

        // Titles.
        content.Add(Svg.Text(24, 30, $"{report.EndpointName} by arm", 19, weight: "bold"));
        content.Add(Svg.Text(24, 52,
            $"Protocol {report.ProtocolVersion} · data cut {report.DataCutAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC · Kaplan–Meier estimates, analysis by allocated arm",
            12.5, fill: Svg.Muted));

        // Legend: two lines per arm, the label with n and events, then the median and the landmarks.
        var y = 82.0;
        for (var i = 0; i < arms.Count; i++)
        {
            var arm = arms[i];
            var style = Styles[i % Styles.Length];
            content.Add(Svg.Line(24, y - 4.5, 62, y - 4.5, style.Colour, style.Width, style.Dash));
            content.Add(Svg.Text(72, y, $"{Label(arm)}: n = {arm.N}, {Events(arm.Events)}", 13.5, weight: "bold"));
            var lineY = y + 18;
            foreach (var line in Svg.Wrap(Estimates(arm), 12.5, Width - RightMargin - 72))
            {
                content.Add(Svg.Text(72, lineY, line, 12.5, fill: Svg.Muted));
                lineY += 16;
            }
            y = lineY + 8;
        }
        // The log-rank test in the top right corner, on the title line, where no legend or curve can reach it.
        content.Add(Svg.Text(Width - RightMargin, 30, LogRankText(report.LogRank), 13.5, anchor: "end", weight: "bold"));

        // Axes. The left margin holds the y tick labels and, below, the arm labels of the at-risk table.
        const double riskFont = 13;
        var labelWidth = arms.Count == 0 ? 0 : arms.Max(a => Svg.TextWidth(Label(a), riskFont));
        var left = Math.Clamp(labelWidth + 70, 84, 330);
        var right = Width - RightMargin;
        var top = y + 22;
        var bottom = top + PlotHeight;
        var (axisMonths, stepMonths) = MonthAxis(arms);
        double X(double days) => left + (right - left) * Math.Min(days / DaysPerMonth, axisMonths) / axisMonths;
        double Y(double survival) => bottom - (bottom - top) * survival;

        for (var tick = 0; tick <= 5; tick++)
        {
            var value = tick / 5.0;
            content.Add(Svg.Line(left, Y(value), right, Y(value), "#e3e3e3", 1));
            content.Add(Svg.Text(left - 8, Y(value) + 4.5, value.ToString("0.0", CultureInfo.InvariantCulture), 12.5, anchor: "end"));
        }
        var ticks = Enumerable.Range(0, (int)Math.Round(axisMonths / stepMonths) + 1).Select(k => k * stepMonths).ToArray();
        foreach (var month in ticks)
        {
            var x = left + (right - left) * month / axisMonths;
            content.Add(Svg.Line(x, bottom, x, bottom + 6, Svg.Ink, 1));
            content.Add(Svg.Text(x, bottom + 21, month.ToString(CultureInfo.InvariantCulture), 12.5, anchor: "middle"));
        }
        content.Add(Svg.Line(left, top, left, bottom, Svg.Ink, 1.2));
        content.Add(Svg.Line(left, bottom, right, bottom, Svg.Ink, 1.2));
        content.Add(Svg.Text((left + right) / 2, bottom + 42, "Months since allocation", 13.5, anchor: "middle"));
        var yTitle = Svg.Text(0, 0, $"{report.EndpointName} probability", 13.5, anchor: "middle");
        yTitle.Add(new XAttribute("transform", $"translate({Svg.Number(left - 52)},{Svg.Number((top + bottom) / 2)}) rotate(-90)"));
        content.Add(yTitle);

        // Landmarks (12 and 36 months) as dotted verticals, labelled above the plot where no curve can be.
        foreach (var day in report.LandmarkDays)
        {
            if (day / DaysPerMonth > axisMonths) continue;
            content.Add(Svg.Line(X(day), top, X(day), bottom, "#8c8c8c", 1, "2 3"));
            var label = $"{Math.Round(day / DaysPerMonth).ToString(CultureInfo.InvariantCulture)} months ({day} d)";
            // Centred on its line, but kept on the page when the landmark is the axis end.
            var half = Svg.TextWidth(label, 11) / 2;
            content.Add(Svg.Text(Math.Clamp(X(day), left + half, Width - 8 - half), top - 11, label, 11, anchor: "middle", fill: Svg.Muted));
        }

        // Curves and censoring ticks, the first arm drawn last so that it stays on top where the curves coincide.
        for (var i = arms.Count - 1; i >= 0; i--)
        {
            var arm = arms[i];
            if (arm.Table.Count == 0) continue;
            var style = Styles[i % Styles.Length];
            content.Add(Svg.Path(StepPath(arm.Table, X, Y), style.Colour, style.Width, style.Dash));
            var ticksPath = new StringBuilder();
            foreach (var row in arm.Table.Where(r => r.Censored > 0))
                ticksPath.Append($"M{Svg.Number(X(row.Time))},{Svg.Number(Y(row.Survival) - 6)} v12 ");
            if (ticksPath.Length > 0) content.Add(Svg.Path(ticksPath.ToString().TrimEnd(), style.Colour, 1.6));
        }
        if (arms.All(a => a.N == 0))
            content.Add(Svg.Text((left + right) / 2, (top + bottom) / 2, "No participant has a time on this endpoint yet.", 14, anchor: "middle", fill: Svg.Muted));

        // Numbers at risk: subjects whose time is at or after each tick, the same count as the table's atRisk.
        var riskTop = bottom + 72;
        content.Add(Svg.Text(24, riskTop, "Number at risk", 13.5, weight: "bold"));
        for (var i = 0; i < arms.Count; i++)
        {
            var rowY = riskTop + (i + 1) * RowHeight;
            var style = Styles[i % Styles.Length];
            content.Add(Svg.Line(left - 34, rowY - 4.5, left - 12, rowY - 4.5, style.Colour, style.Width, style.Dash));
            content.Add(Svg.Text(left - 40, rowY, Svg.Fit(Label(arms[i]), riskFont, left - 64), riskFont, anchor: "end"));
            foreach (var month in ticks)
            {
                var x = left + (right - left) * month / axisMonths;
                content.Add(Svg.Text(x, rowY, AtRisk(arms[i], month * DaysPerMonth).ToString(CultureInfo.InvariantCulture), riskFont, anchor: "middle"));
            }
        }
        var height = riskTop + arms.Count * RowHeight + 22;

        return Svg.Serialise(Svg.Document(Width, height, $"{report.EndpointName} by arm, {report.ProtocolVersion}", content));
    }

    /// <summary>Subjects still at risk at <paramref name="days"/>: the at-risk count of the first table row at or after
    /// it (censored at a time are at risk at that time), 0 after the last row.</summary>
    public static int AtRisk(SurvivalArmSummary arm, double days)
    {
        ArgumentNullException.ThrowIfNull(arm);
        foreach (var row in arm.Table)
            if (row.Time >= days - 1e-9) return row.AtRisk;
        return 0;
    }

    /// <summary>The axis end and tick step in months: the smallest step of 1, 2, 3, 6, 12 or 24 months that labels the
    /// longest follow-up with at most 10 intervals; a year when nothing is observed yet.</summary>
    internal static (double AxisMonths, double StepMonths) MonthAxis(IReadOnlyList<SurvivalArmSummary> arms)
    {
        var lastDay = arms.Where(a => a.Table.Count > 0).Select(a => a.Table[^1].Time).DefaultIfEmpty(0).Max();
        var months = lastDay / DaysPerMonth;
        if (months <= 0) return (12, 3);
        foreach (var step in new double[] { 1, 2, 3, 6, 12, 24 })
            if (Math.Ceiling(months / step - 1e-9) <= 10) return (Math.Max(step, Math.Ceiling(months / step - 1e-9) * step), step);
        return (Math.Ceiling(months / 60) * 60, 60);
    }

    // From (0, 1), across at the current survival to each event time, then down; on to the last observed time (as R
    // draws it), so follow-up after the last event stays visible.
    private static string StepPath(IReadOnlyList<SurvivalTableRow> table, Func<double, double> x, Func<double, double> y)
    {
        var path = new StringBuilder($"M{Svg.Number(x(0))},{Svg.Number(y(1))}");
        var survival = 1.0;
        foreach (var row in table)
        {
            if (row.Survival == survival) continue;
            path.Append($" H{Svg.Number(x(row.Time))} V{Svg.Number(y(row.Survival))}");
            survival = row.Survival;
        }
        path.Append($" H{Svg.Number(x(table[^1].Time))}");
        return path.ToString();
    }

    private static string Events(int events) => events == 1 ? "1 event" : $"{events} events";

    private static string Estimates(SurvivalArmSummary arm)
    {
        if (arm.N == 0) return "no participant yet";
        var median = arm.Median.Estimate is null
            ? "median not reached"
            : $"median {Months(arm.Median.Estimate)} months (95 % CI {Months(arm.Median.Lower)} to {Months(arm.Median.Upper)})";
        var landmarks = arm.Landmarks.Select(l =>
            $"{Math.Round(l.Time / DaysPerMonth).ToString(CultureInfo.InvariantCulture)} months " +
            (l.Survival is null ? "not estimable (after the last time observed)" : $"{Percent(l.Survival)} % (95 % CI {Percent(l.Lower)} to {Percent(l.Upper)})"));
        return string.Join("; ", [median, .. landmarks]);
    }

    // NR: the (confidence) curve has not reached 0.5, as R prints NA.
    private static string Months(double? days) =>
        days is { } d ? (d / DaysPerMonth).ToString("0.0", CultureInfo.InvariantCulture) : "NR";

    private static string Percent(double? probability) =>
        probability is { } p ? (100 * p).ToString("0.0", CultureInfo.InvariantCulture) : "NA";

    private static string LogRankText(LogRankSummary? test)
    {
        if (test is null) return "Log-rank: not estimable (fewer than two arms with events)";
        var p = test.P < 0.001 ? "p < 0.001" : "p = " + test.P.ToString("0.000", CultureInfo.InvariantCulture);
        return $"Log-rank χ² = {test.ChiSquare.ToString("0.00", CultureInfo.InvariantCulture)}, df = {test.DegreesOfFreedom}, {p}";
    }
}
