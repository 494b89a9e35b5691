using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class AllocatorTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(AllocationMethod.PermutedBlocks)]
    [InlineData(AllocationMethod.Minimisation)]
    public void AllocationNumbers_AreConsecutiveTrialWide(AllocationMethod method)
    {
        var (records, state) = AllocateAll(WithMethod(method), Seed(9), Mix(50));

        Assert.Equal(Enumerable.Range(1, 50), records.Select(r => r.Allocation.AllocationNumber));
        Assert.Equal(51, state.NextAllocationNumber);
        Assert.Equal(50, state.ArmCounts.Values.Sum());
        Assert.Equal(50, state.Strata.Values.Sum(s => s.ArmCounts.Values.Sum()));
        Assert.Equal(50, state.Sites.Values.Sum(s => s.Values.Sum()));
    }

    [Fact]
    public void Record_CarriesWhatTheAuditTrailNeeds()
    {
        var allocated = Allocated(Allocator.Allocate(Natars, AllocationState.Initial, Request("SFT", "QDUAH", 1), Seed(1)));
        var (allocation, actor, requestId, concealed) = allocated.Record;

        Assert.Equal(new SiteAllocation(1, "scr_0001", "QDUAH", "SFT", allocation.Arm, AllocationMethod.PermutedBlocks, "NATARS-1.0", Noon.AddMinutes(1)), allocation);
        Assert.Equal("coordinator@pkuih", actor);
        Assert.Equal("req_0001", requestId);
        var block = Assert.IsType<BlockAudit>(concealed);
        Assert.Equal((1, 1), (block.BlockNumber, block.PositionInBlock));
    }

    [Fact]
    public void WhatASiteSees_CannotCarryTheConcealedDetail()
    {
        // The separation is a type: Allocation has no member through which block or minimisation detail could leak.
        var concealedNames = new[] { typeof(BlockAudit), typeof(MinimisationAudit), typeof(AssignedAudit) }
            .SelectMany(t => t.GetProperties()).Select(p => p.Name).ToHashSet();
        Assert.DoesNotContain(typeof(SiteAllocation).GetProperties(), p => concealedNames.Contains(p.Name) || p.PropertyType.IsAssignableTo(typeof(AllocationAudit)));

        var allocated = Allocated(Allocator.Allocate(Natars, AllocationState.Initial, Request(), Seed(1)));
        var siteJson = JsonSerializer.Serialize(allocated.Record.Allocation, Json);
        foreach (var concealed in new[] { "blockNumber", "blockSize", "positionInBlock", "totalImbalance", "draw" })
            Assert.DoesNotContain($"\"{concealed}\"", siteJson, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"method\":\"permuted_blocks\"", siteJson);
    }

    [Fact]
    public void State_SurvivesAJsonRoundTrip_AndAllocationContinuesIdentically()
    {
        var seed = Seed(12);
        var (_, state) = AllocateAll(Natars, seed, Mix(37));
        var reloaded = JsonSerializer.Deserialize<AllocationState>(JsonSerializer.Serialize(state, Json), Json)!;

        var direct = state;
        var viaJson = reloaded;
        var n = 37;
        foreach (var (stratum, site) in Mix(40, salt: 99))
        {
            n++;
            var a = Allocated(Allocator.Allocate(Natars, direct, Request(stratum, site, n), seed));
            var b = Allocated(Allocator.Allocate(Natars, viaJson, Request(stratum, site, n), seed));
            Assert.Equal(a.Record, b.Record);
            (direct, viaJson) = (a.State, b.State);
        }
    }

    [Fact]
    public void Record_SerialisesWithItsKindOfAudit_AndNeverTheSeed()
    {
        var seed = Seed(13);
        var allocated = Allocated(Allocator.Allocate(WithMethod(AllocationMethod.Minimisation), AllocationState.Initial, Request(), seed));
        var json = JsonSerializer.Serialize(allocated.Record, Json) + JsonSerializer.Serialize(allocated.State, Json);

        Assert.Contains("\"kind\":\"minimisation\"", json);
        var reloaded = JsonSerializer.Deserialize<AllocationRecord>(JsonSerializer.Serialize(allocated.Record, Json), Json)!;
        Assert.Equal(allocated.Record.Allocation, reloaded.Allocation);
        Assert.IsType<MinimisationAudit>(reloaded.Concealed);
        Assert.DoesNotContain(seed.ToHexText()[..8], json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnknownStratumSiteOrLocalTime_AreFieldErrors()
    {
        var request = Request("WDLPS", "MAYO") with { At = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(8)), Actor = " " };
        var errors = Rejected(Allocator.Allocate(Natars, AllocationState.Initial, request, Seed(1)));

        Assert.Equal(["siteId", "stratum", "actor", "at"], errors.Select(e => e.Path));
    }

    [Fact]
    public void RandomisedMethodWithoutASeed_IsADeploymentFault() =>
        Assert.Throws<InvalidOperationException>(() => Allocator.Allocate(Natars, AllocationState.Initial, Request(), seed: null));
}
