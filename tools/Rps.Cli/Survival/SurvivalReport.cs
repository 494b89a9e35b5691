using System.Globalization;
using System.Text;
using System.Text.Json;
using RpsServerless.Core.Reports;
using RpsServerless.Core.Statistics;

namespace RpsServerless.Cli.Survival;

/// <summary>Prints a <see cref="SurvivalAnalysis"/> in the shapes of tools.md: JSON for checking, text for reading.</summary>
internal static class SurvivalReport
{
    public static void WriteJson(TextWriter output, string param, SurvivalAnalysis analysis, IReadOnlyList<double> landmarks)
    {
        // The shape is core's, shared with the survival report of the API; arm names (maybe Chinese) are written as
        // they are, not as \u escapes.
        var json = JsonSerializer.SerializeToUtf8Bytes(SurvivalSummary.Of(param, analysis, landmarks), ReportJson.Indented);
        output.WriteLine(Encoding.UTF8.GetString(json));
    }

    /// <summary>Laid out like R's print and summary of a survfit, with NA where a value does not exist.</summary>
    public static void WriteText(TextWriter output, string param, SurvivalAnalysis analysis, IReadOnlyList<double> landmarks)
    {
        output.WriteLine($"{param}: Kaplan–Meier by arm (Greenwood standard error, 95 % interval on the log scale)");
        foreach (var curve in analysis.Curves)
        {
            output.WriteLine();
            output.WriteLine($"Arm {curve.Group}: n = {curve.Subjects}, events = {curve.Events}");
            output.WriteLine($"  median {Time(curve.Median.Estimate)} (95 % CI {Time(curve.Median.Lower)} to {Time(curve.Median.Upper)})");
            output.WriteLine();
            output.WriteLine($"  {"landmark",10} {"survival",9} {"std.err",9} {"lower 95%",9} {"upper 95%",9}");
            foreach (var time in landmarks)
            {
                var e = curve.At(time);
                output.WriteLine($"  {Time(e.Time),10} {Probability(e.Survival),9} {Probability(e.StdErr),9} {Probability(e.Lower),9} {Probability(e.Upper),9}");
            }
            output.WriteLine();
            output.WriteLine($"  {"time",10} {"n.risk",7} {"n.event",7} {"n.censor",8} {"survival",9} {"std.err",9} {"lower 95%",9} {"upper 95%",9}");
            foreach (var row in curve.Table)
                output.WriteLine($"  {Time(row.Time),10} {row.AtRisk,7} {row.Events,7} {row.Censored,8} {Probability(row.Survival),9} {Probability(row.StdErr),9} {Probability(row.Lower),9} {Probability(row.Upper),9}");
        }
        output.WriteLine();
        output.WriteLine(analysis.LogRank is { } test
            ? $"Log-rank test: chi-square = {test.ChiSquare.ToString("0.####", CultureInfo.InvariantCulture)} on {test.DegreesOfFreedom} degree{(test.DegreesOfFreedom == 1 ? "" : "s")} of freedom, p = {test.P.ToString("G4", CultureInfo.InvariantCulture)}"
            : "Log-rank test: none (fewer than two arms with expected events)");
    }

    private static string Time(double? value) => value?.ToString("G", CultureInfo.InvariantCulture) ?? "NA";

    private static string Probability(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "NA";
}
