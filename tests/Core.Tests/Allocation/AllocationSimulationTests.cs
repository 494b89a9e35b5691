using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class AllocationSimulationTests
{
    private static SimulationReport Simulate(AllocationMethod method, ulong seed = 17, int runs = 300) =>
        AllocationSimulation.Run(Natars, new SimulationSettings(method, 102, runs, seed));

    [Fact]
    public void SameMasterSeed_GivesTheSameReport_AndAnotherSeedADifferentOne()
    {
        string Json(SimulationReport r) => JsonSerializer.Serialize(r);

        Assert.Equal(Json(Simulate(AllocationMethod.PermutedBlocks)), Json(Simulate(AllocationMethod.PermutedBlocks)));
        Assert.NotEqual(Json(Simulate(AllocationMethod.PermutedBlocks)), Json(Simulate(AllocationMethod.PermutedBlocks, seed: 18)));
    }

    [Fact]
    public void PermutedBlocks_NeverLetAStratumDriftBeyondHalfTheLargestBlock()
    {
        var report = Simulate(AllocationMethod.PermutedBlocks);

        Assert.All(report.Strata, s => Assert.InRange(s.MaxAbsoluteImbalance, 0, 3));
        Assert.Equal(102, report.Overall.MeanParticipants);
        // Matts–Lachin: 1/(m+1) of a block of 2m is forced: 1/3 for blocks of 4, 1/4 for 6; incomplete last blocks lower it.
        Assert.InRange(report.DeterministicShare, 0.20, 1.0 / 3);
        Assert.InRange(report.ConvergenceGuessSuccess, 0.55, 0.80);
        Assert.Equal(0, report.TieShare);
    }

    [Fact]
    public void Minimisation_IsNeverDeterministic_AndBreaksTies()
    {
        var report = Simulate(AllocationMethod.Minimisation);

        Assert.Equal(0, report.DeterministicShare);
        Assert.InRange(report.TieShare, 0.05, 0.8);
        Assert.True(report.Sites.Average(s => s.MeanAbsoluteImbalance) < Simulate(AllocationMethod.PermutedBlocks).Sites.Average(s => s.MeanAbsoluteImbalance),
            "Minimising on site balances sites better than blocks stratified by histology alone.");
    }

    [Fact]
    public void StratumWeights_SteerAccrual()
    {
        var report = AllocationSimulation.Run(Natars, new SimulationSettings(AllocationMethod.PermutedBlocks, 100, 50, 1, StratumWeights: [1, 0, 0, 0]));

        Assert.Equal([100.0, 0, 0, 0], report.Strata.Select(s => s.MeanParticipants));
    }
}
