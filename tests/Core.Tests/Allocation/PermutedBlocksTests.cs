using CsCheck;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class PermutedBlocksTests
{
    private static readonly Gen<AllocationSeed> Seeds =
        Gen.Byte.Array[AllocationSeed.MinimumBytes].Where(b => b.Distinct().Count() > 1).Select(b => AllocationSeed.FromBytes(b));

    [Fact]
    public void EveryCompletedBlock_IsExactlyBalanced() =>
        Seeds.Sample(seed =>
        {
            foreach (var stratum in Natars.Allocation.Strata)
                for (var k = 1; k <= 12; k++)
                {
                    var block = PermutedBlocks.Block(Natars, seed, stratum, k);
                    Assert.Equal(block.Count(a => a == "surgery_only"), block.Count(a => a == "neoadjuvant"));
                }
        }, iter: 150);

    [Fact]
    public void ImbalanceWithinAStratum_NeverExceedsThree() =>
        Gen.Int[0, 1_000_000].Sample(salt =>
        {
            var (records, _) = AllocateAll(Natars, Seed(salt), Mix(60, salt));
            var bound = Natars.Allocation.BlockSizes.Max() / 2;
            Assert.Equal(3, bound);
            foreach (var stratum in records.GroupBy(r => r.Allocation.Stratum))
            {
                var difference = 0;
                foreach (var record in stratum)
                {
                    difference += record.Allocation.Arm == "neoadjuvant" ? 1 : -1;
                    Assert.InRange(difference, -bound, bound);
                }
            }
        }, iter: 60);

    [Fact]
    public void SameSeed_ReproducesTheSequence_AndADifferentSeedGivesADifferentOne()
    {
        var first = PermutedBlocks.Sequence(Natars, Seed(1), "LMS").Take(60).ToList();
        var again = PermutedBlocks.Sequence(Natars, AllocationSeed.FromBytes(Seed(1).Key), "LMS").Take(60).ToList();
        var other = PermutedBlocks.Sequence(Natars, Seed(2), "LMS").Take(60).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(s => s.Arm), other.Select(s => s.Arm));
    }

    [Fact]
    public void Strata_HaveIndependentSequences()
    {
        var seed = Seed(3);
        var sequences = Natars.Allocation.Strata
            .Select(s => string.Join(",", PermutedBlocks.Sequence(Natars, seed, s).Take(40).Select(x => x.Arm)))
            .ToList();
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    [Fact]
    public void BlockSizeTwo_NeverOccurs_AndBothFourAndSixDo()
    {
        var sizes = Enumerable.Range(0, 100)
            .SelectMany(i => Enumerable.Range(1, 10).Select(k => PermutedBlocks.Block(Natars, Seed(i), "UPS", k).Count))
            .ToList();

        Assert.DoesNotContain(2, sizes);
        Assert.All(sizes, size => Assert.Contains(size, Natars.Allocation.BlockSizes));
        // 1,000 blocks, each size with probability 1/2: sd ≈ 16, so 4 sd around 500.
        Assert.InRange(sizes.Count(s => s == 4), 500 - 64, 500 + 64);
    }

    [Fact]
    public void List_EqualsWhatSuccessiveAllocationsHandOut()
    {
        var seed = Seed(11);
        var (records, _) = AllocateAll(Natars, seed, Mix(120, salt: 5));

        foreach (var stratum in records.GroupBy(r => r.Allocation.Stratum))
        {
            var handedOut = stratum.Select(r => (r.Allocation.Arm, Assert.IsType<BlockAudit>(r.Concealed))).ToList();
            var listed = PermutedBlocks.Sequence(Natars, seed, stratum.Key).Take(handedOut.Count).ToList();
            Assert.Equal(listed.Select(s => (s.Arm, new BlockAudit(s.BlockNumber, s.BlockSize, s.PositionInBlock))), handedOut);
        }
    }

    [Fact]
    public void KnownSeed_GivesThePublishedSequence()
    {
        // Pins the algorithm and byte layout: an auditor's listing must never silently change between releases.
        var seed = AllocationSeed.Parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var slots = PermutedBlocks.Sequence(Natars, seed, "DDLPS").Take(12)
            .Select(s => $"{s.BlockNumber}/{s.BlockSize}/{s.PositionInBlock}:{(s.Arm == "neoadjuvant" ? "N" : "S")}");

        Assert.Equal(KnownSequence, string.Join(" ", slots));
    }

    private const string KnownSequence =
        "1/4/1:S 1/4/2:N 1/4/3:N 1/4/4:S 2/6/1:S 2/6/2:N 2/6/3:N 2/6/4:S 2/6/5:N 2/6/6:S 3/4/1:N 3/4/2:S";

    [Fact]
    public void AmendedProtocolVersion_StartsTheStratumAtBlockOneOfItsOwnSequence()
    {
        var seed = Seed(4);
        var (_, state) = AllocateAll(Natars, seed, [("SFT", "BFH"), ("SFT", "BFH"), ("SFT", "BFH")]);
        var amended = Natars with { Version = "NATARS-1.1" };

        var next = Allocated(Allocator.Allocate(amended, state, Request("SFT", "BFH", 4), seed));

        Assert.Equal(new BlockAudit(1, PermutedBlocks.Block(amended, seed, "SFT", 1).Count, 1), next.Record.Concealed);
        Assert.Equal(PermutedBlocks.Block(amended, seed, "SFT", 1)[0], next.Record.Allocation.Arm);
        Assert.Equal(4, next.Record.Allocation.AllocationNumber);
        Assert.Equal(4, next.State.Stratum("SFT").ArmCounts.Values.Sum());
    }

    [Fact]
    public void CursorFromAnotherSeed_IsRefusedWithoutNamingEitherSeed()
    {
        // Find a seed whose block 1 differs in size from seed 20's, then continue seed 20's cursor with it.
        var seed = Seed(20);
        var (_, state) = AllocateAll(Natars, seed, [("LMS", "ZSH")]);
        var size = state.Stratum("LMS").Block!.BlockSize;
        var wrong = Enumerable.Range(21, 50).Select(Seed).First(s => PermutedBlocks.Block(Natars, s, "LMS", 1).Count != size);

        var e = Assert.Throws<InvalidOperationException>(() => Allocator.Allocate(Natars, state, Request("LMS", "ZSH", 2), wrong));

        foreach (var s in new[] { seed, wrong })
        {
            Assert.DoesNotContain(s.ToHexText()[..8], e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(s.Key)[..8], e.Message);
        }
    }

    [Fact]
    public void UnknownStratum_CannotBeListed() =>
        Assert.Throws<ArgumentException>(() => PermutedBlocks.Sequence(Natars, Seed(1), "WDLPS"));

    [Fact]
    public void NatarsUsesPermutedBlocks() => Assert.Equal(AllocationMethod.PermutedBlocks, Natars.Allocation.Method);
}
