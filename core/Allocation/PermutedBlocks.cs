using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// Stratified permuted blocks with randomly varied block sizes (protocol.md §4, anchors §5.1). Block k of a stratum is
/// a deterministic function of (seed, protocol version, stratum, k) alone, so the auditor's listing and the backend's
/// allocations are the same values by construction.
/// </summary>
public static class PermutedBlocks
{
    internal static readonly string MethodName = ContractName.Of(AllocationMethod.PermutedBlocks);

    /// <summary>
    /// Block <paramref name="blockNumber"/> (1-based) of <paramref name="stratum"/>'s sequence, as arm ids in order.
    /// </summary>
    public static IReadOnlyList<string> Block(ProtocolDefinition protocol, AllocationSeed seed, string stratum, int blockNumber)
    {
        var ratio = AllocationRatio.Of(protocol);
        Span<int> block = stackalloc int[MaxBlockSize(protocol)];
        var size = Fill(seed.DrawKey, protocol.Version, stratum, blockNumber, ratio, protocol.Allocation.BlockSizes, block);
        return block[..size].ToArray().Select(i => ratio.Arms[i]).ToArray();
    }

    /// <summary>
    /// The concealed sequence of a stratum, slot by slot, without end: what <c>rps allocation list</c> prints and
    /// what successive allocations in that stratum take. Take as many as needed.
    /// </summary>
    public static IEnumerable<ConcealedSlot> Sequence(ProtocolDefinition protocol, AllocationSeed seed, string stratum)
    {
        if (!protocol.Allocation.Strata.Contains(stratum, StringComparer.Ordinal))
            throw new ArgumentException($"'{stratum}' is not a stratum of protocol {protocol.Version}.", nameof(stratum));
        return Iterate();

        IEnumerable<ConcealedSlot> Iterate()
        {
            var sequenceNumber = 0;
            for (var k = 1; ; k++)
            {
                var block = Block(protocol, seed, stratum, k);
                for (var position = 1; position <= block.Count; position++)
                    yield return new ConcealedSlot(++sequenceNumber, k, block.Count, position, block[position - 1]);
            }
        }
    }

    internal static int MaxBlockSize(ProtocolDefinition protocol) => protocol.Allocation.BlockSizes.Max();

    /// <summary>
    /// Writes block k as arm indexes into <paramref name="block"/> and returns its size. The draws, in order, from
    /// stream (version, <c>permuted_blocks</c>, stratum, k): the block size, uniform over the protocol's sizes in their
    /// listed order; then a Fisher–Yates shuffle of the block filled arm by arm in protocol order (size/unit × ratio
    /// copies of each), for i = size−1 down to 1 swapping slot i with slot j = draw in [0, i]. Every arrangement of the
    /// block is then equally likely.
    /// </summary>
    internal static int Fill(
        DrawKey key, string protocolVersion, string stratum, int blockNumber, AllocationRatio ratio,
        IReadOnlyList<int> blockSizes, Span<int> block)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockNumber, 1);
        var stream = new DrawStream(key, protocolVersion, MethodName, stratum, blockNumber);
        var size = blockSizes[stream.NextInt(blockSizes.Count)];
        var copiesPerWeight = size / ratio.Unit;

        var at = 0;
        for (var arm = 0; arm < ratio.Count; arm++)
            for (var copy = 0; copy < copiesPerWeight * ratio.Weights[arm]; copy++)
                block[at++] = arm;

        for (var i = size - 1; i > 0; i--)
        {
            var j = stream.NextInt(i + 1);
            (block[i], block[j]) = (block[j], block[i]);
        }
        return size;
    }
}

/// <summary>One slot of a stratum's concealed sequence, for the auditor's listing. Never shown to sites.</summary>
/// <param name="SequenceNumber">The slot's place in the stratum's sequence (1-based); not the allocation number.</param>
public sealed record ConcealedSlot(int SequenceNumber, int BlockNumber, int BlockSize, int PositionInBlock, string Arm);
