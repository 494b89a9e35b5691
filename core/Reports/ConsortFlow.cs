using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Reports;

/// <summary>
/// <c>GET /api/reports/consort</c>: the CONSORT 2010 flow of the trial (or of one site) at a data cut, from the
/// screening log to the analysis sets. Counts are of screenings up to allocation and of participants after it.
/// </summary>
/// <param name="SiteId">The site the flow is restricted to; null for all sites.</param>
/// <param name="AssessedForEligibility">Screenings submitted. A patient screened twice counts twice: the log holds no
/// identifiers to tell that two screenings are one person (api.md), and each screening is a separate assessment.</param>
/// <param name="NotAllocated">The CONSORT "Excluded" box: every screening that did not lead to an allocation.</param>
/// <param name="AnalysisSet">Always <c>intention_to_treat</c> (see <paramref name="AnalysisNote"/>).</param>
public sealed record ConsortFlow(
    string ProtocolVersion,
    [property: JsonConverter(typeof(UtcInstantJsonConverter))] DateTimeOffset DataCutAt,
    string? SiteId,
    string? SiteName,
    int AssessedForEligibility,
    ConsortNotAllocated NotAllocated,
    int Allocated,
    IReadOnlyList<ConsortArm> Arms,
    string AnalysisSet,
    string AnalysisNote)
{
    public const string IntentionToTreat = "intention_to_treat";

    // The primary analysis of NATARS is by allocated arm: a participant excluded after allocation (E02), withdrawn, lost
    // to follow-up or allocated in error stays in the arm allocated, with follow-up censored where it stops. This
    // follows CONSORT 2010 item 16 and the "randomised in error" guidance (Yelland et al., 2011): never drop the record.
    private const string ItTNote =
        "Intention-to-treat: every allocated participant is analysed in the arm allocated, including those excluded after allocation, withdrawn, lost to follow-up or allocated in error.";

    /// <summary>The flow at <paramref name="dataCutAt"/>, for all sites or for <paramref name="siteId"/>.</summary>
    /// <exception cref="ArgumentException">The site is not one of the protocol's, or the inputs contradict each other
    /// (a participant without an allocated screening, an allocated screening without its participant, an arm the
    /// protocol lacks).</exception>
    public static ConsortFlow Build(ProtocolDefinition protocol, IEnumerable<ScreeningSummary> screenings,
        IEnumerable<ParticipantSummary> participants, DateTimeOffset dataCutAt, string? siteId = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(screenings);
        ArgumentNullException.ThrowIfNull(participants);
        SiteDefinition? site = null;
        if (siteId is not null)
            site = protocol.FindSite(siteId) ?? throw new ArgumentException($"Protocol {protocol.Version} has no site '{siteId}'.", nameof(siteId));

        var allScreenings = screenings.ToArray();
        var allParticipants = participants.ToArray();
        CheckConsistent(protocol, allScreenings, allParticipants);
        var siteScreenings = allScreenings.Where(s => siteId is null || s.SiteId == siteId).ToArray();
        var siteParticipants = allParticipants.Where(p => siteId is null || p.SiteId == siteId).ToArray();

        var ineligible = siteScreenings.Where(s => s.Outcome == EligibilityOutcome.Ineligible).ToArray();
        var incomplete = siteScreenings.Where(s => s.Outcome == EligibilityOutcome.Incomplete).ToArray();
        // An eligible screening waiting for allocation, or never allocated (declined, withdrew consent, too late).
        var eligibleNotAllocated = siteScreenings.Count(s => s.Outcome == EligibilityOutcome.Eligible && s.ParticipantId is null);
        var allocated = siteScreenings.Count(s => s.ParticipantId is not null);

        var notAllocated = new ConsortNotAllocated(
            ineligible.Length + incomplete.Length + eligibleNotAllocated,
            // A screening failing several criteria counts once in the total and once under each criterion it fails,
            // so the criterion counts may add up to more than the total (CONSORT asks for reasons, not a partition).
            new ConsortCriteriaCount(ineligible.Length, CountByCriterion(protocol, ineligible.SelectMany(s => s.FailedCriterionIds.Distinct()))),
            new ConsortCriteriaCount(incomplete.Length, CountByCriterion(protocol, incomplete.SelectMany(s => s.MissingCriterionIds.Distinct()))),
            eligibleNotAllocated);

        var arms = protocol.Arms.Select(arm => ConsortArm.Of(arm, siteParticipants.Where(p => p.Arm == arm.Id).ToArray())).ToArray();
        return new ConsortFlow(protocol.Version, dataCutAt.ToUniversalTime(), site?.Id, site?.Name, siteScreenings.Length,
            notAllocated, allocated, arms, IntentionToTreat, ItTNote);
    }

    private static IReadOnlyList<CriterionCount> CountByCriterion(ProtocolDefinition protocol, IEnumerable<string> ids)
    {
        var counts = ids.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // Catalogue order, as the screening result lists criteria; only the criteria that were failed (or missing).
        return protocol.Eligibility.Criteria
            .Where(c => counts.ContainsKey(c.Id))
            .Select(c => new CriterionCount(c.Id, c.Kind, c.Text, counts[c.Id]))
            .ToArray();
    }

    private static void CheckConsistent(ProtocolDefinition protocol, ScreeningSummary[] screenings, ParticipantSummary[] participants)
    {
        var catalogue = protocol.Eligibility.Criteria.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var s in screenings)
        {
            var unknown = s.FailedCriterionIds.Concat(s.MissingCriterionIds).FirstOrDefault(id => !catalogue.Contains(id));
            if (unknown is not null)
                throw new ArgumentException($"Screening {s.ScreeningId} names criterion '{unknown}', which protocol {protocol.Version} does not have.", nameof(screenings));
            if (s.ParticipantId is not null && s.Outcome != EligibilityOutcome.Eligible)
                throw new ArgumentException($"Screening {s.ScreeningId} is {ContractName.Of(s.Outcome)} yet allocated to {s.ParticipantId}; only an eligible screening can be allocated.", nameof(screenings));
        }
        var allocatedScreenings = screenings.Where(s => s.ParticipantId is not null).ToDictionary(s => s.ParticipantId!, StringComparer.Ordinal);
        var participantIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in participants)
        {
            if (!participantIds.Add(p.ParticipantId))
                throw new ArgumentException($"Participant {p.ParticipantId} is listed twice.", nameof(participants));
            if (protocol.FindArm(p.Arm) is null)
                throw new ArgumentException($"Participant {p.ParticipantId} has arm '{p.Arm}', which protocol {protocol.Version} does not define.", nameof(participants));
            if (!allocatedScreenings.TryGetValue(p.ParticipantId, out var screening))
                throw new ArgumentException($"Participant {p.ParticipantId} has no allocated screening among the screenings.", nameof(participants));
            if (screening.SiteId != p.SiteId)
                throw new ArgumentException($"Participant {p.ParticipantId} is at site {p.SiteId} but was screened at {screening.SiteId}.", nameof(participants));
        }
        var orphan = allocatedScreenings.Keys.FirstOrDefault(id => !participantIds.Contains(id));
        if (orphan is not null)
            throw new ArgumentException($"Screening {allocatedScreenings[orphan].ScreeningId} is allocated to {orphan}, who is not among the participants.", nameof(participants));
    }
}

/// <summary>Screenings that did not lead to an allocation, by why.</summary>
/// <param name="Total">Ineligible + eligibility not established + eligible not allocated.</param>
/// <param name="Ineligible">Outcome <c>ineligible</c>, with the criteria failed.</param>
/// <param name="EligibilityNotEstablished">Outcome <c>incomplete</c>, with the criteria whose data were missing.</param>
/// <param name="EligibleNotAllocated">Outcome <c>eligible</c> but no allocation at the data cut.</param>
public sealed record ConsortNotAllocated(
    int Total,
    ConsortCriteriaCount Ineligible,
    ConsortCriteriaCount EligibilityNotEstablished,
    int EligibleNotAllocated);

/// <param name="Count">Screenings (each once).</param>
/// <param name="Criteria">Per criterion, the screenings that failed it (or lacked its data), in catalogue order.</param>
public sealed record ConsortCriteriaCount(int Count, IReadOnlyList<CriterionCount> Criteria);

public sealed record CriterionCount(string Id, CriterionKind Kind, string Text, int Count);

/// <summary>A free-text reason (withdrawal, intervention not received…) and how many participants gave it.</summary>
public sealed record ReasonCount(string Reason, int Count);

/// <summary>One arm's column of the flow.</summary>
/// <param name="Analysed">Intention-to-treat: equal to <paramref name="Allocated"/>.</param>
/// <param name="ExcludedFromAnalysis">Always 0 under intention-to-treat; shown because CONSORT asks for it.</param>
public sealed record ConsortArm(
    string Arm,
    string Label,
    int Allocated,
    ConsortIntervention Intervention,
    ConsortFollowUp FollowUp,
    int Analysed,
    int ExcludedFromAnalysis)
{
    internal static ConsortArm Of(ArmDefinition arm, ParticipantSummary[] participants)
    {
        var intervention = new ConsortIntervention(
            participants.Count(p => p.ReceivedAllocatedIntervention == true),
            participants.Count(p => p.ReceivedAllocatedIntervention == false),
            Reasons(participants.Where(p => p.ReceivedAllocatedIntervention == false).Select(p => p.InterventionNotReceivedReason)),
            participants.Count(p => p.ReceivedAllocatedIntervention is null));
        // The follow-up events are not exclusive (a participant excluded on final pathology may also withdraw later):
        // each is counted under every line that applies, as CONSORT lists them.
        var followUp = new ConsortFollowUp(
            participants.Count(p => p.ExcludedAfterAllocation is not null),
            Reasons(participants.Select(p => p.ExcludedAfterAllocation).Where(r => r is not null)),
            participants.Count(p => p.Withdrawn is not null),
            Reasons(participants.Select(p => p.Withdrawn).Where(r => r is not null)),
            participants.Count(p => p.LostToFollowUp),
            participants.Count(p => p.AllocatedInError));
        return new ConsortArm(arm.Id, arm.Label, participants.Length, intervention, followUp, participants.Length, 0);
    }

    // Reasons as given, most frequent first; a blank reason reads as not stated rather than vanishing from the counts.
    private static IReadOnlyList<ReasonCount> Reasons(IEnumerable<string?> reasons) => reasons
        .Select(r => string.IsNullOrWhiteSpace(r) ? "reason not stated" : r.Trim())
        .GroupBy(r => r, StringComparer.Ordinal)
        .Select(g => new ReasonCount(g.Key, g.Count()))
        .OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal)
        .ToArray();
}

/// <param name="Received">The allocated treatment started.</param>
/// <param name="NotReceived">The allocated treatment will not be given, with the reasons.</param>
/// <param name="NotYetKnown">Allocated recently: treatment not yet started or not yet recorded.</param>
public sealed record ConsortIntervention(int Received, int NotReceived, IReadOnlyList<ReasonCount> NotReceivedReasons, int NotYetKnown);

/// <param name="ExcludedAfterAllocation">E02: final pathology outside the eligible histologies (kept in the analysis).</param>
public sealed record ConsortFollowUp(
    int ExcludedAfterAllocation,
    IReadOnlyList<ReasonCount> ExclusionReasons,
    int Withdrawn,
    IReadOnlyList<ReasonCount> WithdrawalReasons,
    int LostToFollowUp,
    int AllocatedInError);
