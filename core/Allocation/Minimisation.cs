using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// Pocock–Simon minimisation with a random element (protocol.md §4, anchors §5.2): range imbalance, equal factor
/// weights, the arm of least total imbalance taken with probability p.
/// </summary>
internal static class Minimisation
{
    internal static readonly string MethodName = ContractName.Of(AllocationMethod.Minimisation);

    /// <summary>Minimisation is serialised trial-wide, so its draws are one stream per allocation number.</summary>
    internal const string Scope = "trial";

    /// <summary>The arm index chosen and the draws that chose it.</summary>
    internal readonly record struct Choice(int Arm, int CandidateCount, double? Draw, int? ArmDraw);

    /// <summary>
    /// Chooses an arm. <paramref name="levelCounts"/> holds, factor by factor, the allocations per arm (protocol arm
    /// order) at the participant's level of that factor; <paramref name="totalImbalance"/> receives G(t) per arm.
    /// </summary>
    /// <remarks>
    /// G(t) = Σ over factors of max_k − min_k of n'_k(t)·(LCM/r_k), where n'(t) are the counts had arm t been chosen:
    /// counts scaled by the ratio (in integers) so an unequal ratio is not minimised towards 1:1.
    /// Ties at the least G are broken at random in proportion to the ratio (one integer draw). Otherwise one uniform
    /// draw u: the preferred arm when u &lt; p, else the other arms share 1 − p in proportion to their ratio (a second,
    /// integer draw, needed only with more than two arms).
    /// There is no burn-in of purely random allocations: the protocol names none, and the first participant meets a
    /// tie anyway, which is broken at random.
    /// </remarks>
    internal static Choice Choose(
        ref DrawStream stream, AllocationRatio ratio, ReadOnlySpan<int> levelCounts, double preferredArmProbability,
        Span<long> totalImbalance)
    {
        var arms = ratio.Count;
        var factors = levelCounts.Length / arms;
        var least = long.MaxValue;
        for (var t = 0; t < arms; t++)
        {
            long g = 0;
            for (var i = 0; i < factors; i++)
            {
                long max = long.MinValue, min = long.MaxValue;
                for (var k = 0; k < arms; k++)
                {
                    long scaled = (long)(levelCounts[i * arms + k] + (k == t ? 1 : 0)) * (ratio.ScaleLcm / ratio.Weights[k]);
                    max = Math.Max(max, scaled);
                    min = Math.Min(min, scaled);
                }
                g += max - min; // equal weights: every factor counts once
            }
            totalImbalance[t] = g;
            least = Math.Min(least, g);
        }

        var candidates = 0;
        var preferred = -1;
        for (var t = 0; t < arms; t++)
        {
            if (totalImbalance[t] != least) continue;
            candidates++;
            preferred = t;
        }

        if (candidates > 1)
        {
            var pick = PickWeighted(ref stream, ratio, totalImbalance, least, isCandidate: true, out var armDraw);
            return new Choice(pick, candidates, null, armDraw);
        }

        var u = stream.NextUnit();
        if (u < preferredArmProbability) return new Choice(preferred, 1, u, null);
        var other = PickWeighted(ref stream, ratio, totalImbalance, least, isCandidate: false, out var otherDraw);
        return new Choice(other, 1, u, otherDraw);
    }

    /// <summary>Picks among the arms whose G is (or, with <paramref name="isCandidate"/> false, is not) the least, with
    /// probability proportional to the ratio. The draw is null when only one arm qualifies.</summary>
    private static int PickWeighted(
        ref DrawStream stream, AllocationRatio ratio, ReadOnlySpan<long> totalImbalance, long least, bool isCandidate,
        out int? draw)
    {
        int total = 0, qualifying = 0, last = -1;
        for (var t = 0; t < ratio.Count; t++)
        {
            if ((totalImbalance[t] == least) != isCandidate) continue;
            total += ratio.Weights[t];
            qualifying++;
            last = t;
        }
        if (qualifying == 1)
        {
            draw = null;
            return last;
        }

        var x = stream.NextInt(total);
        draw = x;
        for (var t = 0; t < ratio.Count; t++)
        {
            if ((totalImbalance[t] == least) != isCandidate) continue;
            if (x < ratio.Weights[t]) return t;
            x -= ratio.Weights[t];
        }
        throw new InvalidOperationException("Unreachable: the weighted draw is below the total weight.");
    }
}
