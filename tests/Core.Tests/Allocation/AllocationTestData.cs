using System.Security.Cryptography;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Tests.Allocation;

/// <summary>Protocols, seeds and requests for the allocation tests.</summary>
internal static class AllocationTestData
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 29, 4, 0, 0, TimeSpan.Zero);

    public static ProtocolDefinition Natars => ProtocolCatalog.Get("NATARS-1.0");

    public static ProtocolDefinition WithMethod(AllocationMethod method) =>
        Natars with { Allocation = Natars.Allocation with { Method = method } };

    /// <summary>A fixed, distinct seed per number, so every test is repeatable.</summary>
    public static AllocationSeed Seed(int number) =>
        AllocationSeed.FromBytes(SHA256.HashData(BitConverter.GetBytes(number)));

    public static AllocationRequest Request(string stratum = "DDLPS", string site = "PKUIH", int n = 1, ArmAssignment? assignment = null) =>
        new($"scr_{n:0000}", site, stratum, "coordinator@pkuih", $"req_{n:0000}", Noon.AddMinutes(n), assignment);

    public static AllocationOutcome.Allocated Allocated(AllocationOutcome outcome) =>
        Assert.IsType<AllocationOutcome.Allocated>(outcome);

    public static IReadOnlyList<FieldError> Rejected(AllocationOutcome outcome) =>
        Assert.IsType<AllocationOutcome.Rejected>(outcome).Errors;

    /// <summary>Allocates <paramref name="strata"/> in order from the initial state; returns the records and final state.</summary>
    public static (List<AllocationRecord> Records, AllocationState State) AllocateAll(
        ProtocolDefinition protocol, AllocationSeed? seed, IEnumerable<(string Stratum, string Site)> participants)
    {
        var state = AllocationState.Initial;
        var records = new List<AllocationRecord>();
        var n = 0;
        foreach (var (stratum, site) in participants)
        {
            var allocated = Allocated(Allocator.Allocate(protocol, state, Request(stratum, site, ++n), seed));
            records.Add(allocated.Record);
            state = allocated.State;
        }
        return (records, state);
    }

    /// <summary>A repeatable mix of strata and sites (not System.Random's sequence: a counter hashed).</summary>
    public static IEnumerable<(string Stratum, string Site)> Mix(int count, int salt = 0)
    {
        var strata = Natars.Allocation.Strata;
        var sites = Natars.Sites;
        for (var i = 0; i < count; i++)
        {
            var h = SHA256.HashData(BitConverter.GetBytes(i * 7919 + salt));
            yield return (strata[h[0] % strata.Count], sites[h[1] % sites.Count].Id);
        }
    }
}
