using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Tests.Allocation;

/// <summary>
/// A crash after each step of an allocation — in the request, or in the <c>participant-events</c> handler that
/// finishes it — then a retry, a re-delivery or the sweep: exactly one allocation, one participant, one audit record,
/// the messages present, numbers unchanged.
/// </summary>
public class AllocationFaultTests
{
    public static TheoryData<AllocationStep> Steps() => new(Enum.GetValues<AllocationStep>());

    /// <summary>The steps the <c>participant-events</c> handler runs; the request runs the others.</summary>
    private static readonly AllocationStep[] HandlerSteps = [AllocationStep.Audited, AllocationStep.NotificationQueued];

    public static TheoryData<AllocationStep> StepsOfTheHandler() => new(HandlerSteps);

    /// <summary>Allocates (and hands the event to its handler, for a step of the handler) until the crash.</summary>
    private static async Task<TestHttp.Written> AllocateUntilTheCrashAsync(AllocationHarness harness, CrashAfter crash,
        string screeningId, AllocationStep step)
    {
        // The commit is the point of no return: the caller gets the allocation even though the follow-up broke off.
        var first = await harness.AllocateAsync(screeningId);
        Assert.Equal(201, first.Status);
        if (HandlerSteps.Contains(step))
            await Assert.ThrowsAsync<InvalidOperationException>(harness.HandleParticipantEventsAsync);
        Assert.Equal(1, crash.Crashes);
        Assert.Contains(screeningId, harness.Allocations.Pending);
        return first;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task CrashAfterAStep_TheRetriedRequestCompletesIt(AllocationStep step)
    {
        var crash = new CrashAfter(step);
        using var harness = new AllocationHarness(crash);
        var screeningId = await harness.SubmitEligibleAsync();
        var first = await AllocateUntilTheCrashAsync(harness, crash, screeningId, step);

        var retry = await harness.AllocateAsync(screeningId);

        Assert.Equal(200, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        await AssertCompletedOnceAsync(harness, screeningId);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task CrashAfterAStep_TheSweepCompletesIt(AllocationStep step)
    {
        var crash = new CrashAfter(step);
        using var harness = new AllocationHarness(crash);
        var screeningId = await harness.SubmitEligibleAsync();
        await AllocateUntilTheCrashAsync(harness, crash, screeningId, step);

        // Within the grace period the sweep leaves the allocation to the request or handler that may still be running it.
        Assert.Equal(0, await harness.Sweep.RunAsync(CancellationToken.None));
        harness.Time.Advance(CompletePendingAllocations.Grace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await harness.Sweep.RunAsync(CancellationToken.None));
        Assert.Equal(0, await harness.Sweep.RunAsync(CancellationToken.None));

        await AssertCompletedOnceAsync(harness, screeningId);
    }

    [Theory]
    [MemberData(nameof(StepsOfTheHandler))]
    public async Task CrashInTheHandler_TheRedeliveredEventCompletesIt(AllocationStep step)
    {
        var crash = new CrashAfter(step);
        using var harness = new AllocationHarness(crash);
        var screeningId = await harness.SubmitEligibleAsync();
        await AllocateUntilTheCrashAsync(harness, crash, screeningId, step);

        // The message stayed on the queue: its next delivery finishes the allocation.
        await harness.HandleParticipantEventsAsync();

        await AssertCompletedOnceAsync(harness, screeningId);
    }

    /// <summary>The handler builds the schedule before it finishes the allocation: a finishing step that fails (here the
    /// notifications queue) leaves the schedule built, and the message's next delivery finishes the allocation.</summary>
    [Fact]
    public async Task AFailingFinish_DoesNotHoldUpTheSchedule()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        Assert.Equal(201, (await harness.AllocateAsync(screeningId)).Status);
        harness.Queues.FailWith = new Azure.RequestFailedException(503, "queue down");

        await Assert.ThrowsAsync<Azure.RequestFailedException>(harness.HandleParticipantEventsAsync);

        Assert.NotEmpty((await harness.Schedules.LoadAsync("NATARS-PKUIH-0001", CancellationToken.None)).Visits);
        Assert.Contains(screeningId, harness.Allocations.Pending);
        harness.Queues.FailWith = null;
        await AssertCompletedOnceAsync(harness, screeningId);
    }

    [Fact]
    public async Task WithoutACrash_TheHandlerFinishesTheAllocation_AndARedeliveryChangesNothing()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        Assert.Equal(201, (await harness.AllocateAsync(screeningId)).Status);

        // Answered with the participant row and link written and the event sent; audit record and notification to come.
        Assert.Contains(screeningId, harness.Allocations.Pending);
        Assert.Single(harness.Participants.All);
        Assert.DoesNotContain(harness.Audit.Records, r => r.Action == Audit.AuditActions.AllocationCreated);
        Assert.Empty(harness.Queues.On(QueueNames.Notifications));

        await harness.HandleParticipantEventsAsync();
        await harness.Queues.SendAsync(QueueNames.ParticipantEvents,
            MessageJson.Deserialize<ParticipantEvent>(Assert.Single(harness.Queues.On(QueueNames.ParticipantEvents))), null, CancellationToken.None);

        await AssertCompletedOnceAsync(harness, screeningId);
        Assert.Single(harness.Queues.On(QueueNames.Notifications));
    }

    [Fact]
    public async Task QueueDownAfterTheCommit_TheSweepRetriesUntilItIsBack()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        harness.Queues.FailWith = new Azure.RequestFailedException(503, "queue down");
        Assert.Equal(201, (await harness.AllocateAsync(screeningId)).Status);

        harness.Time.Advance(CompletePendingAllocations.Grace + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await harness.Sweep.RunAsync(CancellationToken.None));
        Assert.Contains(screeningId, harness.Allocations.Pending);

        harness.Queues.FailWith = null;
        Assert.Equal(1, await harness.Sweep.RunAsync(CancellationToken.None));
        await AssertCompletedOnceAsync(harness, screeningId);
    }

    /// <summary>Hands the handler every event still queued (sent again by a repair, or never handled), then checks.</summary>
    private static async Task AssertCompletedOnceAsync(AllocationHarness harness, string screeningId)
    {
        await harness.HandleParticipantEventsAsync();
        var allocation = Assert.Single(harness.Allocations.Records);
        var participant = Assert.Single(harness.Participants.All);
        Assert.Equal(screeningId, allocation.ScreeningId);
        Assert.Equal("NATARS-PKUIH-0001", participant.ParticipantId);
        Assert.Equal(1, participant.AllocationNumber);
        Assert.Equal(allocation.Allocation.Arm, participant.Arm);
        Assert.Equal(2, harness.Allocations.State.NextAllocationNumber);
        Assert.Equal(1, harness.Allocations.Commits);
        Assert.Empty(harness.Allocations.Pending);
        Assert.Equal("NATARS-PKUIH-0001", harness.Screenings.All.Single().ParticipantId);

        // One audit record of the allocation, naming the coordinator who allocated, whoever completed it.
        var audited = Assert.Single(harness.Audit.Records, r => r.Action == Audit.AuditActions.AllocationCreated);
        Assert.Equal(screeningId, audited.EntityId);
        Assert.Equal(allocation.Record.Actor, audited.ActorId);
        Assert.Equal(allocation.Record.RequestId, audited.RequestId);
        Assert.Equal("coordinator", audited.ActorRole);

        // Messages may be sent again by the repair (their consumers are idempotent), but they are always the same message.
        var events = harness.Queues.On(QueueNames.ParticipantEvents);
        Assert.NotEmpty(events);
        Assert.Single(events.Distinct());
        var notifications = harness.Queues.On(QueueNames.Notifications);
        Assert.NotEmpty(notifications);
        Assert.Single(notifications.Distinct());
        Assert.Equal("ntf_NATARS-PKUIH-0001.participant_allocated",
            MessageJson.Deserialize<CoordinatorNotification>(notifications[0]).NotificationId);
    }
}
