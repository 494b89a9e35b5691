using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class MinimisationTests
{
    private static readonly ProtocolDefinition Minimising = WithMethod(AllocationMethod.Minimisation);

    private static Dictionary<string, int> Counts(int surgeryOnly, int neoadjuvant) =>
        new() { ["surgery_only"] = surgeryOnly, ["neoadjuvant"] = neoadjuvant };

    /// <summary>DDLPS at PKUIH has surgery_only ahead in both factors, so neoadjuvant is the preferred arm.</summary>
    private static AllocationState SurgeryOnlyAhead(int nextNumber) =>
        AllocationState.Initial with
        {
            NextAllocationNumber = nextNumber,
            ArmCounts = Counts(5, 3),
            Strata = new Dictionary<string, StratumState> { ["DDLPS"] = new(Counts(5, 3), null) },
            Sites = new Dictionary<string, IReadOnlyDictionary<string, int>> { ["PKUIH"] = Counts(2, 1) },
        };

    [Fact]
    public void TotalImbalance_IsTheRangeSummedOverHistologyAndSite()
    {
        var allocated = Allocated(Allocator.Allocate(Minimising, SurgeryOnlyAhead(9), Request("DDLPS", "PKUIH", 9), Seed(1)));
        var audit = Assert.IsType<MinimisationAudit>(allocated.Record.Concealed);

        // surgery_only: |6−3| + |3−1| = 5; neoadjuvant: |5−4| + |2−2| = 1.
        Assert.Equal(5, audit.TotalImbalance["surgery_only"]);
        Assert.Equal(1, audit.TotalImbalance["neoadjuvant"]);
        Assert.Equal(["neoadjuvant"], audit.PreferredArms);
        Assert.Equal(new Dictionary<string, string> { ["histology"] = "DDLPS", ["site"] = "PKUIH" }, audit.Levels);
        Assert.Equal(Counts(5, 3), audit.LevelCounts["histology"]);
        Assert.Equal(Counts(2, 1), audit.LevelCounts["site"]);
        Assert.Equal(0.8, audit.PreferredArmProbability);
    }

    [Fact]
    public void LessImbalancedArm_IsTakenWithProbabilityP()
    {
        // 10,000 independent draws (one stream per allocation number). Under p = 0.8 the count is Binomial(10000, 0.8):
        // sd = 40, so 4 sd (±160) fails by chance less than once in 15,000 runs, while p = 0.78 or 0.82 would fail.
        const int trials = 10_000;
        var seed = Seed(5);
        var preferred = 0;
        for (var n = 1; n <= trials; n++)
        {
            var allocated = Allocated(Allocator.Allocate(Minimising, SurgeryOnlyAhead(n), Request(n: n), seed));
            var audit = Assert.IsType<MinimisationAudit>(allocated.Record.Concealed);
            var tookPreferred = allocated.Record.Allocation.Arm == "neoadjuvant";
            Assert.Equal(audit.Draw < 0.8, tookPreferred);
            Assert.Null(audit.ArmDraw); // two arms: the non-preferred one needs no second draw
            if (tookPreferred) preferred++;
        }
        Assert.InRange(preferred, 8_000 - 160, 8_000 + 160);
    }

    [Fact]
    public void Ties_AreBrokenBothWays()
    {
        // The first participant meets equal counts everywhere: a tie. 2,000 tie-breaks: Binomial(2000, 1/2), sd ≈ 22.4.
        var seed = Seed(6);
        var neoadjuvant = 0;
        for (var n = 1; n <= 2_000; n++)
        {
            var allocated = Allocated(Allocator.Allocate(Minimising, AllocationState.Initial with { NextAllocationNumber = n }, Request(n: n), seed));
            var audit = Assert.IsType<MinimisationAudit>(allocated.Record.Concealed);
            Assert.Equal(["surgery_only", "neoadjuvant"], audit.PreferredArms);
            Assert.Null(audit.Draw);
            Assert.NotNull(audit.ArmDraw);
            if (allocated.Record.Allocation.Arm == "neoadjuvant") neoadjuvant++;
        }
        Assert.InRange(neoadjuvant, 1_000 - 90, 1_000 + 90);
    }

    [Fact]
    public void SameSeedAndState_GiveTheSameDecision_AndAnotherSeedCanDiffer()
    {
        var arms = (int seed) => string.Concat(Enumerable.Range(1, 200).Select(n =>
            Allocated(Allocator.Allocate(Minimising, SurgeryOnlyAhead(n), Request(n: n), Seed(seed))).Record.Allocation.Arm[0]));

        Assert.Equal(arms(1), arms(1));
        Assert.NotEqual(arms(1), arms(2));
    }

    [Fact]
    public void Minimisation_KeepsBothFactorsBalancedOverATrial()
    {
        var (_, state) = AllocateAll(Minimising, Seed(8), Mix(102, salt: 3));

        Assert.InRange(Math.Abs(state.ArmCounts["surgery_only"] - state.ArmCounts["neoadjuvant"]), 0, 6);
        Assert.All(state.Sites.Values, c => Assert.InRange(Math.Abs(c.GetValueOrDefault("surgery_only") - c.GetValueOrDefault("neoadjuvant")), 0, 4));
    }
}
