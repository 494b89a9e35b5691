using System.Diagnostics;
using System.Net;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows;
using Xunit.Abstractions;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// Its own Azurite and devhost (a class fixture, not the shared collection): the trial's allocation state starts
/// empty, so the numbers and the stratum's sequence can be checked from the first allocation on.
/// </summary>
public class ConcurrentAllocationTests(StorageFixture storage, ITestOutputHelper output) : IClassFixture<StorageFixture>
{
    private const int Requests = 64;
    private const string Stratum = "DDLPS";
    private static readonly string[] Sites = ["PKUIH", "BFH", "XJTU1", "PKUFH", "FUSCC", "ZSH", "QDUAH"];

    [Fact]
    public async Task SixtyFourConcurrentAllocations_InOneStratum_TakeNumbers1To64_AndFollowTheConcealedSequence()
    {
        var api = new AllocationApi(storage);
        var screenings = new List<(string ScreeningId, string SiteId)>();
        for (var i = 0; i < Requests; i++)
        {
            var site = Sites[i % Sites.Length];
            screenings.Add((await api.SubmitEligibleAsync(site), site));
        }

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(screenings.Select(s => api.AllocateAsync(s.ScreeningId)));
        clock.Stop();
        output.WriteLine($"{Requests} concurrent allocations answered in {clock.ElapsedMilliseconds} ms");

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.Status));
        var allocations = answers.Select(a => a.Json).OrderBy(a => a.GetProperty("allocationNumber").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, Requests), allocations.Select(a => a.GetProperty("allocationNumber").GetInt32()));
        Assert.All(allocations, a => Assert.Equal(Stratum, a.GetProperty("stratum").GetString()));

        // Per site, participant numbers 1..n without gaps or repeats.
        foreach (var site in Sites)
        {
            var numbers = allocations.Select(a => a.GetProperty("participantId").GetString()!)
                .Where(id => id.StartsWith($"NATARS-{site}-", StringComparison.Ordinal))
                .Select(id => int.Parse(id[^4..], System.Globalization.CultureInfo.InvariantCulture))
                .Order();
            Assert.Equal(Enumerable.Range(1, screenings.Count(s => s.SiteId == site)), numbers);
        }

        // The arms, in allocation order, are exactly the stratum's concealed sequence as an auditor regenerates it.
        var protocol = ProtocolCatalog.Get();
        var seed = AllocationSeed.Parse(AllocationSeedSource.DevelopmentSeedHex);
        var sequence = PermutedBlocks.Sequence(protocol, seed, Stratum).Take(Requests).ToList();
        Assert.Equal(sequence.Select(slot => slot.Arm), allocations.Select(a => a.GetProperty("arm").GetString()));

        // Balance: never more than half the largest block apart, and level at the end of every completed block.
        var difference = 0;
        foreach (var (slot, index) in sequence.Select((slot, index) => (slot, index)))
        {
            difference += allocations[index].GetProperty("arm").GetString() == "neoadjuvant" ? 1 : -1;
            Assert.InRange(Math.Abs(difference), 0, protocol.Allocation.BlockSizes.Max() / 2);
            if (slot.PositionInBlock == slot.BlockSize)
                Assert.Equal(0, difference);
        }

        // One participant row per allocation, written by its commit; every follow-up finished by the
        // participant-events handler soon after: no pending marker left, one audit record per allocation.
        var participants = await api.ParticipantRowsAsync();
        Assert.Equal(Requests, participants.Count);
        Assert.Equal(Requests, participants.Select(p => p.GetString("ScreeningId")).Distinct().Count());
        await Eventually.HoldsAsync(async () => (await api.PendingMarkersAsync()).Count == 0, TimeSpan.FromSeconds(60),
            "the participant-events handler finished every allocation");
        var audited = await api.RowsAsync(TableNames.AuditTrail,
            $"PartitionKey eq 'chain' and Action eq '{Functions.Audit.AuditActions.AllocationCreated}'");
        Assert.Equal(Requests, audited.Select(r => r.GetString("EntityId")).Distinct().Count());
        Assert.Equal(Requests, audited.Count);
        Assert.Equal(Requests + 1, await api.NextAllocationNumberAsync());
    }
}
