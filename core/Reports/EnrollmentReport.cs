using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Reports;

/// <summary>
/// <c>GET /api/reports/enrollment</c>: allocated participants by site, stratum and arm (and their crossings), and the
/// balance of the baseline characteristics between the arms.
/// </summary>
/// <param name="BySite">Every site of the protocol, in protocol order, with its count per arm (site × arm).</param>
/// <param name="ByStratum">Every stratum of the protocol, with its count per arm (stratum × arm).</param>
/// <param name="ByArm">Every arm of the protocol, in protocol order.</param>
public sealed record EnrollmentReport(
    string ProtocolVersion,
    [property: JsonConverter(typeof(UtcInstantJsonConverter))] DateTimeOffset DataCutAt,
    int Allocated,
    IReadOnlyList<ArmCount> ByArm,
    IReadOnlyList<EnrollmentCount> BySite,
    IReadOnlyList<EnrollmentCount> ByStratum,
    BaselineBalance Balance)
{
    /// <exception cref="ArgumentException">A participant names a site, stratum or arm the protocol does not have.</exception>
    public static EnrollmentReport Build(ProtocolDefinition protocol, IEnumerable<ParticipantSummary> participants, DateTimeOffset dataCutAt)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(participants);
        var all = participants.ToArray();
        foreach (var p in all)
        {
            if (protocol.FindSite(p.SiteId) is null) throw Unknown(protocol, p, "site", p.SiteId);
            if (!protocol.Allocation.Strata.Contains(p.Stratum, StringComparer.Ordinal)) throw Unknown(protocol, p, "stratum", p.Stratum);
            if (protocol.FindArm(p.Arm) is null) throw Unknown(protocol, p, "arm", p.Arm);
        }

        IReadOnlyList<ArmCount> CountByArm(IEnumerable<ParticipantSummary> group)
        {
            var members = group.ToArray();
            return protocol.Arms.Select(a => new ArmCount(a.Id, a.Label, members.Count(p => p.Arm == a.Id))).ToArray();
        }

        return new EnrollmentReport(protocol.Version, dataCutAt.ToUniversalTime(), all.Length,
            CountByArm(all),
            protocol.Sites.Select(s => new EnrollmentCount(s.Id, s.Name, all.Count(p => p.SiteId == s.Id), CountByArm(all.Where(p => p.SiteId == s.Id)))).ToArray(),
            protocol.Allocation.Strata.Select(s => new EnrollmentCount(s, s, all.Count(p => p.Stratum == s), CountByArm(all.Where(p => p.Stratum == s)))).ToArray(),
            BaselineBalance.Of(protocol, all));
    }

    private static ArgumentException Unknown(ProtocolDefinition protocol, ParticipantSummary p, string what, string value) =>
        new($"Participant {p.ParticipantId} has {what} '{value}', which protocol {protocol.Version} does not define.", "participants");
}

public sealed record ArmCount(string Arm, string Label, int N);

/// <param name="Key">The site id or the stratum.</param>
public sealed record EnrollmentCount(string Key, string Label, int Total, IReadOnlyList<ArmCount> ByArm);

/// <summary>
/// Baseline balance between the arms as standardized differences (Austin 2009), which, unlike p-values, do not grow
/// with the sample size and are what CONSORT (item 15) and DMC reports expect for allocated groups. Missing values are
/// left out of each variable and counted per arm.
/// </summary>
/// <param name="ReferenceArm">The first arm of the protocol (surgery only, the control); each difference is the other
/// arm minus this one.</param>
/// <param name="ComparedArm">The second arm of the protocol.</param>
public sealed record BaselineBalance(
    string ReferenceArm,
    string ComparedArm,
    ContinuousBalance AgeYears,
    ContinuousBalance MaxDiameterCm,
    CategoricalBalance FnclccGrade)
{
    /// <summary>The FNCLCC grades (protocol.md §3: 1–3).</summary>
    public static readonly IReadOnlyList<int> FnclccGrades = [1, 2, 3];

    internal static BaselineBalance Of(ProtocolDefinition protocol, ParticipantSummary[] participants)
    {
        // NATARS has two arms (the validator requires at least two); the balance compares the first two, control first.
        var reference = protocol.Arms[0].Id;
        var compared = protocol.Arms[1].Id;
        ParticipantSummary[] In(string arm) => participants.Where(p => p.Arm == arm).ToArray();
        var arms = protocol.Arms.Select(a => (a.Id, Members: In(a.Id))).ToArray();

        ContinuousBalance Continuous(string variable, Func<BaselineCharacteristics, double?> value)
        {
            var summaries = arms.Select(a => ContinuousSummary.Of(a.Id, a.Members.Select(p => value(p.Baseline)))).ToArray();
            return new ContinuousBalance(variable, summaries,
                StandardizedDifference.OfMeans(summaries.Single(s => s.Arm == compared), summaries.Single(s => s.Arm == reference)));
        }

        // FNCLCC grade is ordinal with three levels, but treated as categorical: the distance from grade 1 to 2 is not
        // that from 2 to 3 (DDLPS must be grade 2–3 under I06, other histologies may be any grade), and a per-grade
        // difference shows where an imbalance lies, which a single difference in mean grade would hide.
        var gradeSummaries = arms.Select(a => CategoricalSummary.Of(a.Id, a.Members.Select(p => p.Baseline.FnclccGrade), FnclccGrades)).ToArray();
        var comparedGrades = gradeSummaries.Single(s => s.Arm == compared);
        var referenceGrades = gradeSummaries.Single(s => s.Arm == reference);
        var perGrade = FnclccGrades.Select((grade, i) => new CategoryDifference(grade,
            StandardizedDifference.OfProportions(comparedGrades.Categories[i].Proportion, referenceGrades.Categories[i].Proportion))).ToArray();

        return new BaselineBalance(reference, compared,
            Continuous("age_years", b => b.AgeYears),
            Continuous("max_diameter_cm", b => b.MaxDiameterCm is { } d ? (double)d : null),
            new CategoricalBalance("fnclcc_grade", gradeSummaries, perGrade));
    }
}

/// <param name="StandardizedDifference">(mean of the compared arm − mean of the reference arm) / sqrt((s1² + s2²) / 2);
/// null where it is not defined (an arm with fewer than two known values, or no spread in either arm with different means).</param>
public sealed record ContinuousBalance(string Variable, IReadOnlyList<ContinuousSummary> Arms, double? StandardizedDifference);

/// <param name="Sd">Sample standard deviation (n − 1); null with fewer than two known values.</param>
public sealed record ContinuousSummary(string Arm, int N, int Missing, double? Mean, double? Sd)
{
    internal static ContinuousSummary Of(string arm, IEnumerable<double?> values)
    {
        var all = values.ToArray();
        var known = all.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        double? mean = known.Length > 0 ? known.Average() : null;
        double? sd = known.Length > 1 ? Math.Sqrt(known.Sum(v => (v - mean!.Value) * (v - mean.Value)) / (known.Length - 1)) : null;
        return new ContinuousSummary(arm, known.Length, all.Length - known.Length, mean, sd);
    }
}

/// <param name="Differences">Per grade, the standardized difference of the proportions (compared − reference).</param>
public sealed record CategoricalBalance(string Variable, IReadOnlyList<CategoricalSummary> Arms, IReadOnlyList<CategoryDifference> Differences);

/// <param name="N">Participants with a known value (the denominator of the proportions).</param>
public sealed record CategoricalSummary(string Arm, int N, int Missing, IReadOnlyList<CategoryCount> Categories)
{
    internal static CategoricalSummary Of(string arm, IEnumerable<int?> values, IReadOnlyList<int> categories)
    {
        var all = values.ToArray();
        var known = all.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        return new CategoricalSummary(arm, known.Length, all.Length - known.Length,
            categories.Select(c =>
            {
                var count = known.Count(v => v == c);
                return new CategoryCount(c, count, known.Length > 0 ? (double)count / known.Length : null);
            }).ToArray());
    }
}

/// <param name="Proportion">Among participants with a known value; null when none has one.</param>
public sealed record CategoryCount(int Category, int Count, double? Proportion);

public sealed record CategoryDifference(int Category, double? StandardizedDifference);

/// <summary>Standardized differences for baseline balance (Austin, Stat Med 2009;28:3083).</summary>
public static class StandardizedDifference
{
    /// <summary>(x̄₁ − x̄₂) / sqrt((s₁² + s₂²) / 2).</summary>
    public static double? OfMeans(ContinuousSummary compared, ContinuousSummary reference)
    {
        ArgumentNullException.ThrowIfNull(compared);
        ArgumentNullException.ThrowIfNull(reference);
        if (compared.Mean is not { } m1 || reference.Mean is not { } m2 || compared.Sd is not { } s1 || reference.Sd is not { } s2) return null;
        return Ratio(m1 - m2, Math.Sqrt((s1 * s1 + s2 * s2) / 2));
    }

    /// <summary>(p₁ − p₂) / sqrt((p₁(1 − p₁) + p₂(1 − p₂)) / 2).</summary>
    public static double? OfProportions(double? compared, double? reference)
    {
        if (compared is not { } p1 || reference is not { } p2) return null;
        return Ratio(p1 - p2, Math.Sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2));
    }

    // With no spread in either arm, equal values are perfectly balanced (0); different values have no finite
    // standardized difference, reported as null rather than as infinity, which JSON cannot carry.
    private static double? Ratio(double difference, double pooledSd) =>
        pooledSd > 0 ? difference / pooledSd : difference == 0 ? 0 : null;
}
