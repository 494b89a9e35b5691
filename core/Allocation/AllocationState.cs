namespace RpsServerless.Core.Allocation;

/// <summary>
/// Everything allocation needs to remember between requests, trial-wide. The storage layer persists it (one entity,
/// ETag-checked, in the same entity-group transaction as the allocation record) and passes it back in; core never
/// keeps state. Small immutable records of strings and integers so it serialises to plain JSON. The concealed
/// sequence itself is not stored: block k is regenerated from the seed when the cursor reaches it.
/// </summary>
/// <param name="NextAllocationNumber">The number the next allocation gets: trial-wide, 1, 2, 3 … without gaps.</param>
/// <param name="ArmCounts">Allocations per arm id, trial-wide.</param>
/// <param name="Strata">Per stratum (histology group): counts per arm, which are also minimisation's histology
/// margins, and the permuted-block cursor.</param>
/// <param name="Sites">Allocations per arm at each site id: minimisation's site margins.</param>
/// <remarks>
/// Counts are kept under every method, so a protocol amendment that changes the method starts from the true margins.
/// A missing key counts as zero, so a site or stratum added by an amendment needs no migration.
/// </remarks>
public sealed record AllocationState(
    int NextAllocationNumber,
    IReadOnlyDictionary<string, int> ArmCounts,
    IReadOnlyDictionary<string, StratumState> Strata,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Sites)
{
    /// <summary>The state before the first allocation of the trial.</summary>
    public static AllocationState Initial { get; } = new(
        1,
        new Dictionary<string, int>(StringComparer.Ordinal),
        new Dictionary<string, StratumState>(StringComparer.Ordinal),
        new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal));

    public StratumState Stratum(string stratum) => Strata.GetValueOrDefault(stratum) ?? StratumState.Empty;

    public IReadOnlyDictionary<string, int> SiteCounts(string siteId) =>
        Sites.GetValueOrDefault(siteId) ?? StratumState.Empty.ArmCounts;
}

/// <param name="ArmCounts">Allocations per arm id in this stratum, under every method.</param>
/// <param name="Block">Where the stratum stands in its permuted-block sequence; null before its first block.</param>
public sealed record StratumState(IReadOnlyDictionary<string, int> ArmCounts, BlockCursor? Block)
{
    public static StratumState Empty { get; } = new(new Dictionary<string, int>(StringComparer.Ordinal), null);
}

/// <summary>The last slot handed out in a stratum: position <see cref="PositionInBlock"/> (1-based) of block
/// <see cref="BlockNumber"/> (1-based) of the sequence of <see cref="ProtocolVersion"/>.</summary>
/// <remarks>
/// The version is part of the cursor because the sequence is: under an amended version the stratum starts block 1 of
/// the new version's sequence, abandoning the rest of any incomplete block (its slots are never handed out, so the
/// within-stratum imbalance can grow by at most that block's remainder at the amendment).
/// </remarks>
public sealed record BlockCursor(string ProtocolVersion, int BlockNumber, int BlockSize, int PositionInBlock);
