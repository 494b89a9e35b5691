namespace RpsServerless.Core.Statistics;

/// <summary>
/// One distinct time of a Kaplan–Meier curve, as R's <c>summary(survfit(...), censored = TRUE)</c> prints it.
/// </summary>
/// <param name="AtRisk">Subjects whose time is at or after <paramref name="Time"/>; censored at the time count as at risk.</param>
/// <param name="Survival">The product-limit estimate just after <paramref name="Time"/>.</param>
/// <param name="StdErr">Greenwood standard error of <paramref name="Survival"/>; null where the estimate has reached 0.</param>
/// <param name="Lower">Lower 95 % limit, <c>conf.type = "log"</c>; null where the estimate is 0.</param>
/// <param name="Upper">Upper 95 % limit, capped at 1; null where the estimate is 0.</param>
public readonly record struct SurvivalTableRow(
    double Time,
    int AtRisk,
    int Events,
    int Censored,
    double Survival,
    double? StdErr,
    double? Lower,
    double? Upper);

/// <summary>
/// The curve's value at a chosen time (a landmark), with <c>summary(fit, times = ...)</c> semantics: the values of the
/// last distinct time at or before <see cref="Time"/>; 1 before the first one; all null after the last observed time,
/// where the curve is not estimated.
/// </summary>
public sealed record SurvivalEstimate(double Time, double? Survival, double? StdErr, double? Lower, double? Upper);

/// <summary>
/// Median survival time and its 95 % interval by R's <c>print.survfit</c> rule; null where the curve (or the
/// confidence curve) never falls to 0.5.
/// </summary>
public sealed record MedianSurvival(double? Estimate, double? Lower, double? Upper);
