using System.Text.Json.Serialization;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Reports;

// The inputs of the reports. The Function App maps its stored screenings, participants and derived outcomes onto these
// records at a data cut, so the reports depend on no storage shape and on no other module's types.

/// <summary>One screening as the CONSORT flow needs it.</summary>
/// <param name="FailedCriterionIds">Criteria whose status is <c>fail</c> (any number; an ineligible screening has one or more).</param>
/// <param name="MissingCriterionIds">Criteria whose status is <c>missing</c>.</param>
/// <param name="ParticipantId">Set once the screening has been allocated.</param>
public sealed record ScreeningSummary(
    string ScreeningId,
    string SiteId,
    EligibilityOutcome Outcome,
    IReadOnlyList<string> FailedCriterionIds,
    IReadOnlyList<string> MissingCriterionIds,
    string? ParticipantId = null)
{
    /// <summary>The summary of a stored evaluation.</summary>
    public static ScreeningSummary From(string screeningId, string siteId, EligibilityResult result, string? participantId)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ScreeningSummary(screeningId, siteId, result.Outcome,
            result.Criteria.Where(c => c.Status == CriterionStatus.Fail).Select(c => c.Id).ToArray(),
            result.Criteria.Where(c => c.Status == CriterionStatus.Missing).Select(c => c.Id).ToArray(),
            participantId);
    }
}

/// <summary>Baseline values as recorded at screening; null where unknown.</summary>
public sealed record BaselineCharacteristics(int? AgeYears, decimal? MaxDiameterCm, int? FnclccGrade)
{
    public static BaselineCharacteristics Unknown { get; } = new(null, null, null);
}

/// <summary>One allocated participant at the data cut.</summary>
/// <param name="Stratum">The stratum as used at allocation (protocol.md §4: the histology group).</param>
/// <param name="Arm">The arm allocated (not the treatment received: the analysis is by allocation).</param>
/// <param name="ReceivedAllocatedIntervention">True once the allocated treatment has started, false if it never will
/// (the reason in <paramref name="InterventionNotReceivedReason"/>), null while not yet known.</param>
/// <param name="ExcludedAfterAllocation">The reason when final pathology excluded the participant (E02), else null.</param>
/// <param name="Withdrawn">The reason when the participant withdrew, else null.</param>
public sealed record ParticipantSummary(
    string ParticipantId,
    string SiteId,
    string Stratum,
    string Arm,
    DateOnly AllocatedOn,
    BaselineCharacteristics Baseline,
    bool? ReceivedAllocatedIntervention = null,
    string? InterventionNotReceivedReason = null,
    string? ExcludedAfterAllocation = null,
    string? Withdrawn = null,
    bool LostToFollowUp = false,
    bool AllocatedInError = false);

/// <summary>The endpoints of protocol.md §6 that have a survival report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SurvivalEndpoint>))]
public enum SurvivalEndpoint
{
    /// <summary>Progression-free survival, the primary endpoint.</summary>
    [JsonStringEnumMemberName("pfs")] Pfs,

    /// <summary>Overall survival.</summary>
    [JsonStringEnumMemberName("os")] Os,
}

/// <summary>One participant's time on one endpoint, as derived at the data cut.</summary>
/// <param name="Days">Days from the allocation date to the event or to censoring.</param>
/// <param name="IsEvent">True for an event, false for a censored time.</param>
public sealed record TimeToEvent(string ParticipantId, string Arm, double Days, bool IsEvent);
