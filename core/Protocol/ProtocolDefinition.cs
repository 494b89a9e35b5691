using System.Text.Json.Serialization;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Protocol;

/// <summary>
/// One version of the trial protocol as the backend implements it (protocol.md). Every number the rules use lives
/// here, not in code; an amendment is a new version, never an edit. Load it with <see cref="ProtocolCatalog"/>,
/// which validates it.
/// </summary>
public sealed record ProtocolDefinition(
    string Version,
    TrialInfo Trial,
    IReadOnlyList<SiteDefinition> Sites,
    IReadOnlyList<ArmDefinition> Arms,
    EligibilityRules Eligibility,
    SftRiskScoreTable SftRiskScore,
    FnclccGrading Fnclcc,
    AllocationSettings Allocation,
    ScheduleOfEvents Schedule,
    EndpointSettings Endpoints)
{
    public SiteDefinition? FindSite(string siteId) => Sites.FirstOrDefault(s => s.Id == siteId);

    public ArmDefinition? FindArm(string armId) => Arms.FirstOrDefault(a => a.Id == armId);

    public CriterionDefinition Criterion(string id) =>
        Eligibility.Criteria.FirstOrDefault(c => c.Id == id)
        ?? throw new KeyNotFoundException($"Protocol {Version} has no criterion {id}.");
}

public sealed record TrialInfo(
    string Acronym,
    string RegistryId,
    string Title,
    string Sponsor,
    int PlannedParticipants,
    // The registry's estimated study completion date: bounds only the open-ended survival follow-up (protocol.md §5).
    DateOnly StudyEndDate);

public sealed record SiteDefinition(string Id, string Name, string TimeZone);

public sealed record ArmDefinition(string Id, string Label, string Treatment);

[JsonConverter(typeof(JsonStringEnumConverter<CriterionKind>))]
public enum CriterionKind
{
    [JsonStringEnumMemberName("inclusion")] Inclusion,
    [JsonStringEnumMemberName("exclusion")] Exclusion,
}

/// <param name="AppliesTo">`all`, a histology (`DDLPS`…) or `after_surgery` (E02).</param>
public sealed record CriterionDefinition(string Id, CriterionKind Kind, string AppliesTo, string Text)
{
    /// <summary><see cref="AppliesTo"/> of a criterion judged for every screening.</summary>
    public const string AppliesToAll = "all";

    /// <summary><see cref="AppliesTo"/> of a criterion judged on final pathology, not at screening (E02).</summary>
    public const string AppliesAfterSurgery = "after_surgery";
}

public sealed record IntRange(int Min, int Max)
{
    public bool Contains(int value) => value >= Min && value <= Max;
}

public sealed record EligibilityRules(
    IntRange AgeYears,
    IReadOnlyList<Histology> EligibleHistologies,
    IReadOnlyList<int> DdlpsFnclccGrades,
    decimal LmsMinDiameterCm,
    int SftMinRiskScore,
    int MaxAsaClass,
    IReadOnlyList<OrganFunction> AcceptableOrganFunction,
    IReadOnlyList<OriginSite> ExcludedOriginSites,
    IReadOnlyList<Metastasis> ExcludingMetastasis,
    IReadOnlyList<OrganFunction> ExcludingOrganFunction,
    // E02: liposarcoma histologies that are excluded on final pathology when grade 1.
    IReadOnlyList<Histology> FinalPathologyExcludedGrade1Histologies,
    IReadOnlyList<CriterionDefinition> Criteria);

/// <summary>Points for values at or above <see cref="From"/>, up to the next band's start.</summary>
public sealed record ScoreBand(decimal From, int Points);

public sealed record RiskGroupBand(string Group, int MinScore, int MaxScore);

/// <summary>The modified (4-variable) Demicco risk score for SFT, WHO 5th edition (protocol.md §3).</summary>
public sealed record SftRiskScoreTable(
    IReadOnlyList<ScoreBand> AgeYears,
    IReadOnlyList<ScoreBand> MaxDiameterCm,
    IReadOnlyList<ScoreBand> MitosesPer10Hpf,
    IReadOnlyList<ScoreBand> NecrosisPercent,
    IReadOnlyList<RiskGroupBand> RiskGroups);

public sealed record FnclccGradeBand(int Grade, int MinTotal, int MaxTotal);

public sealed record FnclccGrading(
    IntRange Differentiation,
    IntRange Mitoses,
    IntRange Necrosis,
    IReadOnlyList<FnclccGradeBand> Grades);

[JsonConverter(typeof(JsonStringEnumConverter<AllocationMethod>))]
public enum AllocationMethod
{
    [JsonStringEnumMemberName("permuted_blocks")] PermutedBlocks,
    [JsonStringEnumMemberName("minimisation")] Minimisation,
    [JsonStringEnumMemberName("assigned")] Assigned,
}

[JsonConverter(typeof(JsonStringEnumConverter<MinimisationFactor>))]
public enum MinimisationFactor
{
    [JsonStringEnumMemberName("histology")] Histology,
    [JsonStringEnumMemberName("site")] Site,
}

public sealed record MinimisationSettings(IReadOnlyList<MinimisationFactor> Factors, double PreferredArmProbability);

/// <param name="Ratio">Allocation ratio per arm id (1:1 in NATARS-1.0).</param>
/// <param name="Strata">The stratum is the histology group (protocol.md §4).</param>
/// <param name="BlockSizes">Admissible block sizes, drawn at random per new block; each a multiple of the ratio sum.</param>
public sealed record AllocationSettings(
    AllocationMethod Method,
    IReadOnlyDictionary<string, int> Ratio,
    IReadOnlyList<string> Strata,
    IReadOnlyList<int> BlockSizes,
    MinimisationSettings Minimisation,
    IReadOnlyList<string> AssignedBases);

[JsonConverter(typeof(JsonStringEnumConverter<ReminderKind>))]
public enum ReminderKind
{
    [JsonStringEnumMemberName("visit_upcoming")] VisitUpcoming,
    [JsonStringEnumMemberName("visit_due")] VisitDue,
    [JsonStringEnumMemberName("visit_overdue")] VisitOverdue,
}

[JsonConverter(typeof(JsonStringEnumConverter<ReminderReference>))]
public enum ReminderReference
{
    [JsonStringEnumMemberName("window_start")] WindowStart,
    [JsonStringEnumMemberName("target")] Target,
    [JsonStringEnumMemberName("window_end")] WindowEnd,
}

/// <summary>A reminder falls <see cref="Days"/> calendar days from the visit's window start, target or window end.</summary>
public sealed record ReminderOffset(ReminderKind Kind, ReminderReference From, int Days);

[JsonConverter(typeof(JsonStringEnumConverter<VisitKind>))]
public enum VisitKind
{
    [JsonStringEnumMemberName("chemo_cycle")] ChemoCycle,
    [JsonStringEnumMemberName("restaging")] Restaging,
    [JsonStringEnumMemberName("surgery")] Surgery,
    [JsonStringEnumMemberName("post_operative")] PostOperative,
    [JsonStringEnumMemberName("follow_up")] FollowUp,
    [JsonStringEnumMemberName("survival_follow_up")] SurvivalFollowUp,
}

/// <summary>Inclusive window in calendar days before and after the target date.</summary>
public sealed record VisitWindow(int Before, int After);

/// <summary>
/// A visit anchored to the allocation date (<c>Anchor = "allocation"</c>) or to the <b>actual</b> date of an earlier
/// visit (<c>Anchor = visit id</c>).
/// </summary>
public sealed record VisitDefinition(
    string Id,
    VisitKind Kind,
    string Label,
    IReadOnlyList<string> Arms,
    string Anchor,
    int OffsetDays,
    VisitWindow Window,
    string? Series = null,
    bool PreDoseCheck = false)
{
    public const string AllocationAnchor = "allocation";

    public bool IsAnchoredToAllocation => Anchor == AllocationAnchor;
}

/// <summary>
/// Follow-up visits at allocation date + m calendar months, for m = first, first+every, … up to
/// <see cref="LastMonth"/>, or, when that is null, for as long as the target falls on or before the study end date.
/// Ids are the prefix and the month in two digits (FU03, FU24, SURV66).
/// </summary>
public sealed record FollowUpSeries(
    string IdPrefix,
    VisitKind Kind,
    string Label,
    int FirstMonth,
    int? LastMonth,
    int EveryMonths,
    VisitWindow Window,
    string Series);

public sealed record ScheduleOfEvents(
    TimeOnly ReminderLocalTime,
    string PreDoseCheck,
    IReadOnlyList<ReminderOffset> Reminders,
    IReadOnlyList<VisitDefinition> Visits,
    IReadOnlyList<FollowUpSeries> FollowUp,
    IReadOnlyList<string> PrimaryEndpointLandmarks);

public sealed record EndpointSettings(IReadOnlyList<int> LandmarkDays, int SaeReportHours);
