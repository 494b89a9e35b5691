using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// The protocol's arms in their listed order with their ratio weights. The listed order is what makes the sequence
/// reproducible: a block is filled arm by arm in this order before it is shuffled, and arm indexes in the draws refer
/// to it.
/// </summary>
internal sealed class AllocationRatio
{
    private AllocationRatio(string[] arms, int[] weights)
    {
        Arms = arms;
        Weights = weights;
        Unit = weights.Sum();
        ScaleLcm = weights.Aggregate(1, (lcm, w) => lcm / Gcd(lcm, w) * w);
    }

    public string[] Arms { get; }

    public int[] Weights { get; }

    /// <summary>The ratio sum: every block size is a multiple of it (2 for 1:1).</summary>
    public int Unit { get; }

    /// <summary>The least common multiple of the weights: counts times LCM/r stay integers (anchors §5.2 step 2).</summary>
    public int ScaleLcm { get; }

    public int Count => Arms.Length;

    public static AllocationRatio Of(ProtocolDefinition protocol) =>
        new(protocol.Arms.Select(a => a.Id).ToArray(),
            protocol.Arms.Select(a => protocol.Allocation.Ratio[a.Id]).ToArray());

    public int IndexOf(string arm) => Array.IndexOf(Arms, arm);

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
