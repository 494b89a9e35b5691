using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class AssignedAllocationTests
{
    private static readonly ProtocolDefinition Assigning = WithMethod(AllocationMethod.Assigned);

    private static IReadOnlyList<FieldError> Assign(ArmAssignment? assignment) =>
        Rejected(Allocator.Allocate(Assigning, AllocationState.Initial, Request(assignment: assignment), seed: null));

    [Fact]
    public void MissingBasis_IsRejected() =>
        Assert.Equal("basis", Assert.Single(Assign(new ArmAssignment("neoadjuvant", null, "MDT 2026-11-18"))).Path);

    [Fact]
    public void UnknownBasis_IsRejected() =>
        Assert.Equal("basis", Assert.Single(Assign(new ArmAssignment("neoadjuvant", "coin_toss", "why"))).Path);

    [Fact]
    public void UnknownArm_IsRejected()
    {
        var error = Assert.Single(Assign(new ArmAssignment("radiotherapy", "patient_preference", "Prefers it.")));
        Assert.Equal("arm", error.Path);
        Assert.Contains("surgery_only", error.Message);
    }

    [Fact]
    public void MissingNote_IsRejected() =>
        Assert.Equal("note", Assert.Single(Assign(new ArmAssignment("surgery_only", "mdt_recommendation", "   "))).Path);

    [Fact]
    public void EmptyBody_NamesEveryMissingField() =>
        Assert.Equal(["arm", "basis", "note"], Assign(null).Select(e => e.Path));

    [Fact]
    public void ValidAssignment_RecordsWhoAndWhy()
    {
        var request = Request("UPS", "FUSCC", 1, new ArmAssignment("neoadjuvant", "mdt_recommendation", "MDT: borderline resectable."));
        var allocated = Allocated(Allocator.Allocate(Assigning, AllocationState.Initial, request, seed: null));

        Assert.Equal("neoadjuvant", allocated.Record.Allocation.Arm);
        Assert.Equal(AllocationMethod.Assigned, allocated.Record.Allocation.Method);
        Assert.Equal("coordinator@pkuih", allocated.Record.Actor);
        Assert.Equal(new AssignedAudit("mdt_recommendation", "MDT: borderline resectable."), allocated.Record.Concealed);
        Assert.Equal(1, allocated.State.Sites["FUSCC"]["neoadjuvant"]);
    }

    [Fact]
    public void ArmSentToARandomisedTrial_IsRejectedNotIgnored()
    {
        var request = Request(assignment: new ArmAssignment("neoadjuvant", "patient_preference", "Prefers chemo."));
        Assert.Equal("arm", Assert.Single(Rejected(Allocator.Allocate(Natars, AllocationState.Initial, request, Seed(1)))).Path);
    }
}
