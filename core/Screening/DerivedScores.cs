using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Screening;

/// <summary>
/// The modified (4-variable) Demicco risk score for SFT (protocol.md §3), from the protocol's band tables. A missing
/// input gives no score: a partial sum would understate the risk, which is exactly the guess I08 must not make.
/// </summary>
public static class SftRiskScore
{
    /// <returns>The score, or null when any input is unknown.</returns>
    public static int? Calculate(
        int? ageYears, decimal? maxDiameterCm, int? mitosesPer10Hpf, decimal? necrosisPercent, SftRiskScoreTable table)
    {
        if (ageYears is not { } age || maxDiameterCm is not { } diameter
            || mitosesPer10Hpf is not { } mitoses || necrosisPercent is not { } necrosis)
            return null;
        return Points(table.AgeYears, age) + Points(table.MaxDiameterCm, diameter)
               + Points(table.MitosesPer10Hpf, mitoses) + Points(table.NecrosisPercent, necrosis);
    }

    /// <summary>The protocol's risk group (<c>low</c>, <c>intermediate</c>, <c>high</c>) of a score; null outside every band.</summary>
    public static string? RiskGroup(int score, SftRiskScoreTable table)
    {
        foreach (var band in table.RiskGroups)
            if (score >= band.MinScore && score <= band.MaxScore) return band.Group;
        return null;
    }

    /// <summary>Points of the highest band whose lower bound the value reaches (bands rise strictly from 0).</summary>
    internal static int Points(IReadOnlyList<ScoreBand> bands, decimal value)
    {
        var points = 0;
        foreach (var band in bands)
        {
            if (value < band.From) break;
            points = band.Points;
        }
        return points;
    }
}

/// <summary>The FNCLCC grade from its three component scores (protocol.md §3), by the protocol's grade bands.</summary>
public static class FnclccGrade
{
    /// <returns>The grade, or null when a component is unknown or outside the protocol's component range.</returns>
    public static int? FromComponents(FnclccComponents components, FnclccGrading grading)
    {
        if (components.Differentiation is not { } differentiation || components.Mitoses is not { } mitoses
            || components.Necrosis is not { } necrosis
            || !grading.Differentiation.Contains(differentiation) || !grading.Mitoses.Contains(mitoses)
            || !grading.Necrosis.Contains(necrosis))
            return null;
        var total = differentiation + mitoses + necrosis;
        foreach (var band in grading.Grades)
            if (total >= band.MinTotal && total <= band.MaxTotal) return band.Grade;
        return null;
    }
}
