using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Screening;

[JsonConverter(typeof(JsonStringEnumConverter<EligibilityOutcome>))]
public enum EligibilityOutcome
{
    [JsonStringEnumMemberName("eligible")] Eligible,
    [JsonStringEnumMemberName("ineligible")] Ineligible,
    [JsonStringEnumMemberName("incomplete")] Incomplete,
}

[JsonConverter(typeof(JsonStringEnumConverter<CriterionStatus>))]
public enum CriterionStatus
{
    [JsonStringEnumMemberName("pass")] Pass,
    [JsonStringEnumMemberName("fail")] Fail,
    [JsonStringEnumMemberName("missing")] Missing,
    [JsonStringEnumMemberName("not_applicable")] NotApplicable,
}

/// <summary>One criterion of the catalogue judged for one screening, with a reason a coordinator can act on.</summary>
public sealed record CriterionResult(string Id, CriterionKind Kind, CriterionStatus Status, string Reason);

/// <summary>Something the coordinator should know that does not change the outcome (e.g. <c>MDM2_FISH_NOT_DONE</c>).</summary>
public sealed record EligibilityWarning(string Code, string Message);

/// <summary>The warning codes the evaluator can emit; clients may key on them.</summary>
public static class EligibilityWarningCodes
{
    /// <summary>I05: DDLPS without MDM2 FISH; FISH is highly recommended but not required.</summary>
    public const string Mdm2FishNotDone = "MDM2_FISH_NOT_DONE";
}

/// <param name="Stratum">The histology group when it is one of the protocol's strata, else null.</param>
/// <param name="SftRiskScore">Modified Demicco score 0-7, for SFT only and only when every input is known.</param>
/// <param name="SftRiskGroup">The protocol's risk group of that score (<c>low</c>, <c>intermediate</c>, <c>high</c>).</param>
public sealed record DerivedValues(string? Stratum, int? SftRiskScore, string? SftRiskGroup);

/// <summary>
/// The evaluation of one screening under one protocol version. Serialised with <see cref="ScreeningJson.Options"/> it
/// is exactly the <c>outcome</c>, <c>criteria</c>, <c>warnings</c> and <c>derived</c> fields of the api.md screening
/// result; the HTTP layer writes <see cref="ProtocolVersion"/> itself as the result's top-level
/// <c>protocolVersion</c>, beside the screening's id and site.
/// </summary>
public sealed record EligibilityResult(
    [property: JsonIgnore] string ProtocolVersion,
    EligibilityOutcome Outcome,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<EligibilityWarning> Warnings,
    DerivedValues Derived)
{
    /// <summary>The result of criterion <paramref name="id"/>, or null when it is not listed (E02 never is).</summary>
    public CriterionResult? Criterion(string id)
    {
        foreach (var criterion in Criteria)
            if (criterion.Id == id) return criterion;
        return null;
    }
}
