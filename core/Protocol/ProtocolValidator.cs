using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Protocol;

/// <summary>Checks a deserialised definition for values that parse but make no sense for the trial.</summary>
internal static class ProtocolValidator
{
    private static readonly HashSet<string> CriterionScopes = ["all", "after_surgery"];

    public static IReadOnlyList<ProtocolError> Validate(ProtocolDefinition p, string expectedVersion)
    {
        var errors = new List<ProtocolError>();
        void Check(bool ok, string path, string message)
        {
            if (!ok) errors.Add(new ProtocolError(path, message));
        }

        Check(p.Version == expectedVersion, "$.version", $"Must be '{expectedVersion}', the name the definition is stored under.");
        Check(p.Trial.PlannedParticipants > 0, "$.trial.plannedParticipants", "Must be positive.");

        Check(p.Sites.Count > 0, "$.sites", "At least one site is required.");
        CheckUnique(p.Sites.Select(s => s.Id), "$.sites", "id", errors);
        for (var i = 0; i < p.Sites.Count; i++)
        {
            Check(IsToken(p.Sites[i].Id), $"$.sites[{i}].id", "Must be letters and digits only.");
            Check(TimeZoneExists(p.Sites[i].TimeZone), $"$.sites[{i}].timeZone", $"Unknown time zone '{p.Sites[i].TimeZone}'.");
        }

        Check(p.Arms.Count >= 2, "$.arms", "At least two arms are required.");
        CheckUnique(p.Arms.Select(a => a.Id), "$.arms", "id", errors);
        var armIds = p.Arms.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);

        ValidateEligibility(p.Eligibility, Check, errors);
        ValidateSftScore(p.SftRiskScore, Check);
        ValidateFnclcc(p.Fnclcc, Check);
        ValidateAllocation(p.Allocation, armIds, p.Eligibility.EligibleHistologies, Check);
        ValidateSchedule(p.Schedule, armIds, Check, errors);

        Check(p.Endpoints.LandmarkDays.Count > 0 && p.Endpoints.LandmarkDays.All(d => d > 0)
              && IsStrictlyAscending(p.Endpoints.LandmarkDays),
            "$.endpoints.landmarkDays", "Must be positive day counts in increasing order.");
        Check(p.Endpoints.SaeReportHours > 0, "$.endpoints.saeReportHours", "Must be positive.");
        return errors;
    }

    private static void ValidateEligibility(EligibilityRules e, Action<bool, string, string> check, List<ProtocolError> errors)
    {
        check(e.AgeYears.Min > 0 && e.AgeYears.Min <= e.AgeYears.Max, "$.eligibility.ageYears", "Needs 0 < min <= max.");
        check(e.EligibleHistologies.Count > 0, "$.eligibility.eligibleHistologies", "At least one histology is required.");
        check(e.DdlpsFnclccGrades.Count > 0 && e.DdlpsFnclccGrades.All(g => g is >= 1 and <= 3),
            "$.eligibility.ddlpsFnclccGrades", "FNCLCC grades are 1 to 3.");
        check(e.LmsMinDiameterCm > 0, "$.eligibility.lmsMinDiameterCm", "Must be positive.");
        check(e.SftMinRiskScore is >= 0 and <= 7, "$.eligibility.sftMinRiskScore", "The modified Demicco score runs 0 to 7.");
        check(e.MaxAsaClass is >= 1 and <= 6, "$.eligibility.maxAsaClass", "ASA classes are 1 to 6.");

        CheckUnique(e.Criteria.Select(c => c.Id), "$.eligibility.criteria", "id", errors);
        var histologyScopes = Enum.GetValues<Histology>().Select(ContractName.Of).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < e.Criteria.Count; i++)
        {
            var c = e.Criteria[i];
            var path = $"$.eligibility.criteria[{i}]";
            var prefix = c.Kind == CriterionKind.Inclusion ? 'I' : 'E';
            check(c.Id.Length == 3 && c.Id[0] == prefix && char.IsAsciiDigit(c.Id[1]) && char.IsAsciiDigit(c.Id[2]),
                path + ".id", $"An {ContractName.Of(c.Kind)} criterion id is '{prefix}' and two digits.");
            check(CriterionScopes.Contains(c.AppliesTo) || histologyScopes.Contains(c.AppliesTo),
                path + ".appliesTo", "Must be 'all', 'after_surgery' or a histology.");
            check(!string.IsNullOrWhiteSpace(c.Text), path + ".text", "Every criterion needs its text.");
        }
    }

    private static void ValidateSftScore(SftRiskScoreTable t, Action<bool, string, string> check)
    {
        CheckBands(t.AgeYears, "$.sftRiskScore.ageYears", check);
        CheckBands(t.MaxDiameterCm, "$.sftRiskScore.maxDiameterCm", check);
        CheckBands(t.MitosesPer10Hpf, "$.sftRiskScore.mitosesPer10Hpf", check);
        CheckBands(t.NecrosisPercent, "$.sftRiskScore.necrosisPercent", check);
        var maxScore = new[] { t.AgeYears, t.MaxDiameterCm, t.MitosesPer10Hpf, t.NecrosisPercent }
            .Sum(bands => bands.Count == 0 ? 0 : bands.Max(b => b.Points));
        check(CoversContiguously(t.RiskGroups.Select(g => (g.MinScore, g.MaxScore)).ToList(), 0, maxScore),
            "$.sftRiskScore.riskGroups", $"Risk groups must cover scores 0 to {maxScore} without gaps or overlaps.");
    }

    private static void ValidateFnclcc(FnclccGrading f, Action<bool, string, string> check)
    {
        check(f.Differentiation.Min <= f.Differentiation.Max, "$.fnclcc.differentiation", "Needs min <= max.");
        check(f.Mitoses.Min <= f.Mitoses.Max, "$.fnclcc.mitoses", "Needs min <= max.");
        check(f.Necrosis.Min <= f.Necrosis.Max, "$.fnclcc.necrosis", "Needs min <= max.");
        var lowest = f.Differentiation.Min + f.Mitoses.Min + f.Necrosis.Min;
        var highest = f.Differentiation.Max + f.Mitoses.Max + f.Necrosis.Max;
        check(CoversContiguously(f.Grades.Select(g => (g.MinTotal, g.MaxTotal)).ToList(), lowest, highest),
            "$.fnclcc.grades", $"Grades must cover totals {lowest} to {highest} without gaps or overlaps.");
        check(f.Grades.Select(g => g.Grade).SequenceEqual(Enumerable.Range(1, f.Grades.Count)),
            "$.fnclcc.grades", "Grades are numbered 1, 2, 3 in order.");
    }

    private static void ValidateAllocation(
        AllocationSettings a, HashSet<string> armIds, IReadOnlyList<Histology> eligible, Action<bool, string, string> check)
    {
        check(a.Ratio.Keys.ToHashSet(StringComparer.Ordinal).SetEquals(armIds), "$.allocation.ratio", "Must name every arm exactly once.");
        check(a.Ratio.Values.All(r => r > 0), "$.allocation.ratio", "Every ratio must be positive.");
        var eligibleNames = eligible.Select(ContractName.Of).ToHashSet(StringComparer.Ordinal);
        check(a.Strata.Count > 0 && a.Strata.All(eligibleNames.Contains) && a.Strata.Distinct().Count() == a.Strata.Count,
            "$.allocation.strata", "The strata are distinct eligible histologies.");

        var unit = a.Ratio.Values.Sum();
        // A block of one ratio unit (size 2 for 1:1) makes every second assignment predictable: never admissible.
        for (var i = 0; i < a.BlockSizes.Count; i++)
            check(a.BlockSizes[i] > unit && a.BlockSizes[i] % unit == 0, $"$.allocation.blockSizes[{i}]",
                $"A block size must be a multiple of the ratio sum {unit} and larger than it.");
        check(a.BlockSizes.Count > 0 && a.BlockSizes.Distinct().Count() == a.BlockSizes.Count,
            "$.allocation.blockSizes", "At least one block size, none repeated.");

        check(a.Minimisation.PreferredArmProbability is > 0.5 and <= 1.0, "$.allocation.minimisation.preferredArmProbability",
            "Must be above 0.5 (else the preferred arm is not preferred) and at most 1.");
        check(a.Minimisation.Factors.Count > 0 && a.Minimisation.Factors.Distinct().Count() == a.Minimisation.Factors.Count,
            "$.allocation.minimisation.factors", "At least one factor, none repeated.");
        check(a.AssignedBases.Count > 0, "$.allocation.assignedBases", "At least one basis for an assigned arm.");
    }

    private static void ValidateSchedule(
        ScheduleOfEvents s, HashSet<string> armIds, Action<bool, string, string> check, List<ProtocolError> errors)
    {
        CheckUnique(s.Reminders.Select(r => ContractName.Of(r.Kind)), "$.schedule.reminders", "kind", errors);
        check(!string.IsNullOrWhiteSpace(s.PreDoseCheck), "$.schedule.preDoseCheck", "Cycle reminders need the pre-dose check text.");

        foreach (var arm in armIds)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < s.Visits.Count; i++)
            {
                var v = s.Visits[i];
                if (!v.Arms.Contains(arm)) continue;
                var path = $"$.schedule.visits[{i}]";
                check(seen.Add(v.Id), path + ".id", $"Visit {v.Id} is defined twice for arm {arm}.");
                check(v.IsAnchoredToAllocation || seen.Contains(v.Anchor), path + ".anchor",
                    $"Anchor '{v.Anchor}' must be 'allocation' or a visit listed earlier for arm {arm}.");
            }
        }

        for (var i = 0; i < s.Visits.Count; i++)
        {
            var v = s.Visits[i];
            var path = $"$.schedule.visits[{i}]";
            // Visit ids become part of reminder ids, which are table row keys (Scheduling.ScheduleBuilder.ReminderId).
            check(IsToken(v.Id), path + ".id", "Must be letters and digits only.");
            check(v.Arms.Count > 0 && v.Arms.All(armIds.Contains), path + ".arms", "Must list known arms.");
            check(v.OffsetDays >= 0, path + ".offsetDays", "Must not be negative.");
            check(v.Window.Before >= 0 && v.Window.After >= 0, path + ".window", "Window days must not be negative.");
            check(!v.IsAnchoredToAllocation || v.OffsetDays >= v.Window.Before, path + ".window.before",
                "A visit anchored to the allocation cannot open before the allocation date.");
        }

        var fixedIds = s.Visits.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var followUpIds = new HashSet<string>(StringComparer.Ordinal);
        var previousLast = 0;
        for (var i = 0; i < s.FollowUp.Count; i++)
        {
            var f = s.FollowUp[i];
            var path = $"$.schedule.followUp[{i}]";
            check(f.FirstMonth > previousLast, path + ".firstMonth", "Follow-up series must follow each other in time.");
            check(f.EveryMonths > 0, path + ".everyMonths", "Must be positive.");
            check(IsToken(f.IdPrefix), path + ".idPrefix", "Must be letters and digits only.");
            check(IsMonthLabel(f.Label), path + ".label", "Must be text with at most one placeholder, {0}, for the month.");
            check(f.LastMonth is null || (f.LastMonth >= f.FirstMonth && (f.LastMonth - f.FirstMonth) % f.EveryMonths == 0),
                path + ".lastMonth", "Must be reached from firstMonth in steps of everyMonths.");
            check(f.LastMonth is not null || i == s.FollowUp.Count - 1, path + ".lastMonth",
                "Only the last series may be open-ended (bounded by the study end date).");
            check(f.Window.Before >= 0 && f.Window.After >= 0, path + ".window", "Window days must not be negative.");
            if (f.LastMonth is { } last && f.EveryMonths > 0)
                for (var m = f.FirstMonth; m <= last; m += f.EveryMonths)
                    check(followUpIds.Add(FollowUpId(f.IdPrefix, m)) && !fixedIds.Contains(FollowUpId(f.IdPrefix, m)),
                        path, $"Visit id {FollowUpId(f.IdPrefix, m)} is generated twice.");
            previousLast = f.LastMonth ?? int.MaxValue;
        }

        for (var i = 0; i < s.PrimaryEndpointLandmarks.Count; i++)
            check(followUpIds.Contains(s.PrimaryEndpointLandmarks[i]), $"$.schedule.primaryEndpointLandmarks[{i}]",
                "Must be a scheduled follow-up visit.");
    }

    /// <summary>The id of the follow-up visit in month <paramref name="month"/> (FU03, FU24, SURV66).</summary>
    internal static string FollowUpId(string prefix, int month) => $"{prefix}{month:00}";

    private static void CheckBands(IReadOnlyList<ScoreBand> bands, string path, Action<bool, string, string> check) =>
        check(bands.Count > 0 && bands[0].From == 0 && IsStrictlyAscending(bands.Select(b => b.From).ToList())
              && bands.All(b => b.Points >= 0),
            path, "Bands start at 0 and rise strictly; points are not negative.");

    private static bool CoversContiguously(List<(int Min, int Max)> ranges, int lowest, int highest)
    {
        var next = lowest;
        foreach (var (min, max) in ranges)
        {
            if (min != next || max < min) return false;
            next = max + 1;
        }
        return ranges.Count > 0 && next == highest + 1;
    }

    private static bool IsStrictlyAscending<T>(IReadOnlyList<T> values) where T : IComparable<T> =>
        values.Zip(values.Skip(1)).All(pair => pair.First.CompareTo(pair.Second) < 0);

    private static void CheckUnique(IEnumerable<string> ids, string path, string field, List<ProtocolError> errors)
    {
        foreach (var duplicate in ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add(new ProtocolError(path, $"{field} '{duplicate.Key}' appears more than once."));
    }

    private static bool IsMonthLabel(string label)
    {
        try
        {
            _ = string.Format(System.Globalization.CultureInfo.InvariantCulture, label, 3);
            return !string.IsNullOrWhiteSpace(label);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool IsToken(string id) => id.Length > 0 && id.All(char.IsAsciiLetterOrDigit);

    private static bool TimeZoneExists(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
