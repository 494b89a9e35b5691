using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// The allocation as a site may see it (api.md): the arm and its number, never how it was drawn. The HTTP layer
/// returns this type; it has no property that could carry block size, position or minimisation totals.
/// </summary>
public sealed record SiteAllocation(
    int AllocationNumber,
    string ScreeningId,
    string SiteId,
    string Stratum,
    string Arm,
    AllocationMethod Method,
    string ProtocolVersion,
    DateTimeOffset AllocatedAt);

/// <summary>
/// The append-only allocation record (anchors §5.3): the site-visible <see cref="SiteAllocation"/>, who asked and in which
/// request, and the <see cref="Concealed"/> audit detail that only the unblinded statistician and auditors may read.
/// </summary>
public sealed record AllocationRecord(SiteAllocation Allocation, string Actor, string RequestId, AllocationAudit Concealed);

/// <summary>How the arm was chosen. Concealed from sites: it would let them predict the next allocation.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(BlockAudit), "permuted_blocks")]
[JsonDerivedType(typeof(MinimisationAudit), "minimisation")]
[JsonDerivedType(typeof(AssignedAudit), "assigned")]
public abstract record AllocationAudit;

/// <summary>The slot taken: position (1-based) in block <see cref="BlockNumber"/> of the stratum's sequence.</summary>
public sealed record BlockAudit(int BlockNumber, int BlockSize, int PositionInBlock) : AllocationAudit;

/// <summary>
/// Pocock–Simon as computed (anchors §5.2 step 6): the participant's factor levels and each level's counts per arm
/// before this allocation, the total imbalance G(t) had each arm been chosen, the arms of least G, and the draws.
/// </summary>
/// <param name="Levels">Factor → the participant's level, e.g. histology → DDLPS, site → PKUIH.</param>
/// <param name="LevelCounts">Factor → allocations per arm at the participant's level, before this one.</param>
/// <param name="TotalImbalance">Arm → G(t): the sum over factors of the range of ratio-scaled counts.</param>
/// <param name="PreferredArms">The arms of least G; more than one is a tie, broken at random.</param>
/// <param name="Draw">The uniform draw in [0, 1) compared with <see cref="PreferredArmProbability"/> (no tie): the
/// preferred arm is taken when Draw &lt; p. Null on a tie.</param>
/// <param name="ArmDraw">The integer draw that picked among several candidate arms (a tie, or a non-preferred arm when
/// there are more than two arms), weighted by the ratio; null when there was one candidate.</param>
public sealed record MinimisationAudit(
    IReadOnlyDictionary<string, string> Levels,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> LevelCounts,
    IReadOnlyDictionary<string, long> TotalImbalance,
    IReadOnlyList<string> PreferredArms,
    double PreferredArmProbability,
    double? Draw,
    int? ArmDraw) : AllocationAudit;

/// <summary>Who chose the arm is the record's actor; this is why.</summary>
public sealed record AssignedAudit(string Basis, string Note) : AllocationAudit;

/// <summary>The result of <see cref="Allocator.Allocate"/>: an allocation with the state to persist, or field errors.</summary>
public abstract record AllocationOutcome
{
    private AllocationOutcome()
    {
    }

    /// <param name="State">The state after this allocation; persist it together with the record, or neither.</param>
    public sealed record Allocated(AllocationRecord Record, AllocationState State) : AllocationOutcome;

    /// <summary>Nothing was allocated and the state is unchanged; paths are <c>arm</c>, <c>basis</c>, <c>note</c>,
    /// <c>stratum</c>, <c>siteId</c>…</summary>
    public sealed record Rejected(IReadOnlyList<FieldError> Errors) : AllocationOutcome;
}
