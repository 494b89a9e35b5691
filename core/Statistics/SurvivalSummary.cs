using System.Text.Json.Serialization;

namespace RpsServerless.Core.Statistics;

/// <summary>
/// A <see cref="SurvivalAnalysis"/> in the JSON shape of <c>rps survival</c> (tools.md): serialised with camelCase
/// names and nulls kept it is exactly <c>{ param, arms, logRank }</c>, so the CLI and the survival report print one shape.
/// </summary>
public sealed record SurvivalSummary(string Param, IReadOnlyList<SurvivalArmSummary> Arms, LogRankSummary? LogRank)
{
    public static SurvivalSummary Of(string param, SurvivalAnalysis analysis, IReadOnlyList<double> landmarks)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return new SurvivalSummary(param,
            analysis.Curves.Select(c => SurvivalArmSummary.Of(c, landmarks)).ToArray(),
            LogRankSummary.Of(analysis.LogRank));
    }
}

/// <summary>One arm's curve: <c>{ arm, n, events, median, table, landmarks }</c> of tools.md.</summary>
/// <param name="Landmarks">The curve at each landmark time (<see cref="KaplanMeierCurve.At"/>).</param>
public sealed record SurvivalArmSummary(
    string Arm,
    int N,
    int Events,
    MedianSurvival Median,
    IReadOnlyList<SurvivalTableRow> Table,
    IReadOnlyList<SurvivalEstimate> Landmarks)
{
    public static SurvivalArmSummary Of(KaplanMeierCurve curve, IReadOnlyList<double> landmarks)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(landmarks);
        return new SurvivalArmSummary(curve.Group, curve.Subjects, curve.Events, curve.Median, curve.Table,
            landmarks.Select(curve.At).ToArray());
    }
}

/// <summary><c>{ chiSquare, df, p }</c> of tools.md.</summary>
public sealed record LogRankSummary(double ChiSquare, [property: JsonPropertyName("df")] int DegreesOfFreedom, double P)
{
    public static LogRankSummary? Of(LogRankTest? test) =>
        test is null ? null : new LogRankSummary(test.ChiSquare, test.DegreesOfFreedom, test.P);
}
