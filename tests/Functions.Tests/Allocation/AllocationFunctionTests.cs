using System.Text.Json;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Tests.Allocation;

public class AllocationFunctionTests
{
    private static readonly string[] SiteAllocationFields =
        ["participantId", "screeningId", "siteId", "arm", "method", "stratum", "allocationNumber", "allocatedAt", "protocolVersion"];

    [Fact]
    public async Task FirstAllocation_Is201_LaterCalls200WithTheIdenticalBody_WithoutAnIdempotencyKey()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();

        var first = await harness.AllocateAsync(screeningId);
        harness.Time.Advance(TimeSpan.FromMinutes(3));
        var second = await harness.AllocateAsync(screeningId);
        var third = await harness.AllocateAsync(screeningId);

        Assert.Equal(201, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(200, third.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Body, third.Body);
        Assert.Equal(SiteAllocationFields, first.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("NATARS-PKUIH-0001", first.Json.GetProperty("participantId").GetString());
        Assert.Equal(1, first.Json.GetProperty("allocationNumber").GetInt32());
        Assert.Equal("permuted_blocks", first.Json.GetProperty("method").GetString());
        Assert.Equal("/api/participants/NATARS-PKUIH-0001", first.Headers.Location.ToString());
        Assert.Single(harness.Allocations.Records);
        Assert.Single(harness.Participants.All);
        Assert.Equal(1, harness.Allocations.Commits);

        // The screening now names its participant.
        var screening = await harness.GetAsync(r => harness.ScreeningFunctions.GetScreening(r, screeningId, CancellationToken.None), $"/api/screenings/{screeningId}");
        Assert.Equal("NATARS-PKUIH-0001", screening.Json.GetProperty("participantId").GetString());
    }

    [Fact]
    public async Task AFirstAllocation_LooksForNoExistingAllocation_ARepeatFindsItThroughTheScreeningsLink()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();

        Assert.Equal(201, (await harness.AllocateAsync(screeningId)).Status);
        Assert.Equal(0, harness.Allocations.Finds);

        Assert.Equal(200, (await harness.AllocateAsync(screeningId)).Status);
        Assert.Equal(1, harness.Allocations.Finds);
        Assert.Equal(1, harness.Allocations.Commits);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnAllocatedScreening_AnswersWithItsAllocation_EvenToABodyItWouldRefuse(bool followUpBrokeOff)
    {
        var crash = new CrashAfter(AllocationStep.Committed);
        using var harness = followUpBrokeOff ? new AllocationHarness(crash) : new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        var first = await harness.AllocateAsync(screeningId);

        // Under permuted blocks an arm in the body is refused with 400 — but this screening is allocated already,
        // linked to its participant or (the follow-up broken off) not yet.
        var again = await harness.AllocateAsync(screeningId, """{"arm":"neoadjuvant","basis":"patient_preference","note":"wish"}""");

        Assert.Equal(201, first.Status);
        Assert.Equal(200, again.Status);
        Assert.Equal(first.Body, again.Body);
        Assert.Single(harness.Allocations.Records);
        Assert.Empty(harness.Allocations.Pending);
        Assert.Equal("NATARS-PKUIH-0001", Assert.Single(harness.Participants.All).ParticipantId);
    }

    [Fact]
    public async Task TheResponseCarriesNoConcealedDetail()
    {
        using var harness = new AllocationHarness();
        var written = await harness.AllocateAsync(await harness.SubmitEligibleAsync());
        Assert.Equal(SiteAllocationFields, written.Json.EnumerateObject().Select(p => p.Name));
        foreach (var concealed in new[] { "blockNumber", "blockSize", "position", "concealed", "audit", "draw", "actor", "requestId" })
            Assert.DoesNotContain(concealed, written.Body, StringComparison.OrdinalIgnoreCase);
        // …while the stored record keeps it for the auditor.
        Assert.IsType<Core.Allocation.BlockAudit>(Assert.Single(harness.Allocations.Records).Record.Concealed);
    }

    [Fact]
    public async Task ReplayWithTheSameIdempotencyKey_ReturnsTheStoredFirstResponse()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        var first = await harness.AllocateAsync(screeningId, idempotencyKey: "alloc-1");
        var replay = await harness.AllocateAsync(screeningId, idempotencyKey: "alloc-1");
        Assert.Equal(201, first.Status);
        Assert.Equal(201, replay.Status);
        Assert.Equal(first.Body, replay.Body);
        Assert.Equal(1, harness.Allocations.Commits);
    }

    [Fact]
    public async Task NotEligible_Is409_NamingTheFailedAndMissingCriteria_AndNothingIsAllocated()
    {
        using var harness = new AllocationHarness();
        var submitted = await harness.SubmitAsync(AllocationHarness.Submission(s =>
        {
            s["patient"]!["ageYears"] = 80;   // I01 fails
            s["patient"]!["asaClass"] = null; // unknown: missing
        }));
        var screeningId = submitted.Json.GetProperty("screeningId").GetString()!;

        var written = await harness.AllocateAsync(screeningId);

        Assert.Equal(409, written.Status);
        Assert.Equal("application/problem+json; charset=utf-8", written.ContentType);
        var errors = written.Json.GetProperty("errors");
        Assert.StartsWith("fail:", errors.GetProperty("criteria.I01")[0].GetString());
        Assert.Contains(errors.EnumerateObject(), e => e.Value[0].GetString()!.StartsWith("missing:", StringComparison.Ordinal));
        Assert.Empty(harness.Allocations.Records);
        Assert.Equal(1, harness.Allocations.State.NextAllocationNumber);
    }

    [Theory]
    [InlineData("screening unknown", "scr_01JF4Q8M3ZK2V7R9T6W8Y0A1BC_PKUIH")]
    [InlineData("malformed", "scr_x")]
    public async Task UnknownScreening_Is404(string _, string screeningId)
    {
        using var harness = new AllocationHarness();
        Assert.Equal(404, (await harness.AllocateAsync(screeningId)).Status);
    }

    [Fact]
    public async Task AnArmUnderPermutedBlocks_Is400AtArm()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        var written = await harness.AllocateAsync(screeningId, """{"arm":"neoadjuvant","basis":"patient_preference","note":"wish"}""");
        Assert.Equal(400, written.Status);
        Assert.True(written.Json.GetProperty("errors").TryGetProperty("arm", out _));
        var typo = await harness.AllocateAsync(screeningId, """{"armm":"neoadjuvant"}""");
        Assert.True(typo.Json.GetProperty("errors").TryGetProperty("armm", out _));
        Assert.Empty(harness.Allocations.Records);
    }

    [Fact]
    public async Task WithoutASeed_AllocationIs503WithRetryAfter_AndScreeningStillWorks()
    {
        using var harness = new AllocationHarness(seed: null);
        var screeningId = await harness.SubmitEligibleAsync();
        var written = await harness.AllocateAsync(screeningId);
        Assert.Equal(503, written.Status);
        Assert.True(written.Headers.ContainsKey("Retry-After"));
        Assert.Empty(harness.Allocations.Records);
    }

    [Theory]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/seed)")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("too-short")]
    public async Task AnUnusableSeed_Is503_NotACrash(string seed)
    {
        using var harness = new AllocationHarness(seed: seed);
        Assert.Equal(503, (await harness.AllocateAsync(await harness.SubmitEligibleAsync())).Status);
    }

    [Fact]
    public async Task StorageDownAtTheCommit_Is503WithRetryAfter_NothingWritten_AndTheRetryAllocates()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        harness.Allocations.FailCommitWith = new Azure.RequestFailedException(0, "connection refused");

        var down = await harness.AllocateAsync(screeningId);
        Assert.Equal(503, down.Status);
        Assert.True(down.Headers.ContainsKey("Retry-After"));
        Assert.Empty(harness.Allocations.Records);
        Assert.Empty(harness.Participants.All);
        Assert.Empty(harness.Queues.On(QueueNames.ParticipantEvents));

        harness.Allocations.FailCommitWith = null;
        var retry = await harness.AllocateAsync(screeningId);
        Assert.Equal(201, retry.Status);
        Assert.Equal(1, retry.Json.GetProperty("allocationNumber").GetInt32());
    }

    [Fact]
    public async Task AnotherAllocationCommitsFirst_TheLoserReloadsAndTakesTheNextNumber()
    {
        using var harness = new AllocationHarness();
        var mine = await harness.SubmitEligibleAsync();
        var theirs = await harness.SubmitEligibleAsync();
        harness.Allocations.BeforeCommit = async () => Assert.Equal(201, (await harness.AllocateFromAnotherInstanceAsync(theirs)).Status);

        var written = await harness.AllocateAsync(mine);

        Assert.Equal(201, written.Status);
        Assert.Equal(2, written.Json.GetProperty("allocationNumber").GetInt32());
        Assert.Equal("NATARS-PKUIH-0002", written.Json.GetProperty("participantId").GetString());
        Assert.Equal(1, harness.Allocations.Conflicts);
        Assert.Equal(3, harness.Allocations.State.NextAllocationNumber);
    }

    [Fact]
    public async Task AnInstanceAllocatesFromTheStateItLastCommitted_AndReadsItAfreshOnceAnotherInstanceCommitted()
    {
        using var harness = new AllocationHarness();
        var screenings = new List<string>();
        for (var i = 0; i < 5; i++) screenings.Add(await harness.SubmitEligibleAsync());

        var first = await harness.AllocateAsync(screenings[0]);
        var second = await harness.AllocateAsync(screenings[1]);
        Assert.Equal(1, harness.Allocations.Loads); // the second started from the state the first committed
        var theirs = await harness.AllocateFromAnotherInstanceAsync(screenings[2]);
        var third = await harness.AllocateAsync(screenings[3]);
        var fourth = await harness.AllocateAsync(screenings[4]);

        // The remembered state was stale once: refused by its version, read afresh, nothing taken twice.
        Assert.Equal(1, harness.Allocations.Conflicts);
        Assert.Equal(3, harness.Allocations.Loads); // the other instance's first read, and this one's after the refusal
        Assert.Equal([1, 2, 3, 4, 5], new[] { first, second, theirs, third, fourth }.Select(w => w.Json.GetProperty("allocationNumber").GetInt32()));
        Assert.Equal(["NATARS-PKUIH-0001", "NATARS-PKUIH-0002", "NATARS-PKUIH-0003", "NATARS-PKUIH-0004", "NATARS-PKUIH-0005"],
            new[] { first, second, theirs, third, fourth }.Select(w => w.Json.GetProperty("participantId").GetString()));
        Assert.Equal(6, harness.Allocations.State.NextAllocationNumber);
    }

    [Fact]
    public async Task TheSameScreeningCommittedByAnotherRequestFirst_Is200WithThatAllocation()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        TestHttp.Written? winner = null;
        harness.Allocations.BeforeCommit = async () => winner = await harness.AllocateFromAnotherInstanceAsync(screeningId);

        var loser = await harness.AllocateAsync(screeningId);

        Assert.Equal(201, winner!.Status);
        Assert.Equal(200, loser.Status);
        Assert.Equal(winner.Body, loser.Body);
        Assert.Single(harness.Allocations.Records);
        Assert.Single(harness.Participants.All);
    }

    [Fact]
    public async Task ParticipantNumbers_CountPerSite_AllocationNumbersTrialWide()
    {
        using var harness = new AllocationHarness();
        var results = new List<JsonElement>();
        foreach (var site in new[] { "PKUIH", "BFH", "PKUIH", "FUSCC", "BFH" })
        {
            var id = await harness.SubmitEligibleAsync(s => s["siteId"] = site);
            results.Add((await harness.AllocateAsync(id)).Json);
        }
        Assert.Equal(["NATARS-PKUIH-0001", "NATARS-BFH-0001", "NATARS-PKUIH-0002", "NATARS-FUSCC-0001", "NATARS-BFH-0002"],
            results.Select(r => r.GetProperty("participantId").GetString()));
        Assert.Equal([1, 2, 3, 4, 5], results.Select(r => r.GetProperty("allocationNumber").GetInt32()));
    }

    [Fact]
    public async Task Messages_TheRequestSendsTheParticipantEvent_ItsHandlerTheAllocatedNotification()
    {
        using var harness = new AllocationHarness();
        var screeningId = await harness.SubmitEligibleAsync();
        await harness.AllocateAsync(screeningId);

        var participantEvent = Assert.Single(harness.Queues.On(QueueNames.ParticipantEvents));
        Assert.Equal($$"""{"participantId":"NATARS-PKUIH-0001","reason":"allocated","screeningId":"{{screeningId}}"}""", participantEvent);
        Assert.Equal(new ParticipantEvent("NATARS-PKUIH-0001", "allocated", screeningId), MessageJson.Deserialize<ParticipantEvent>(participantEvent));
        Assert.Empty(harness.Queues.On(QueueNames.Notifications));

        await harness.HandleParticipantEventsAsync();

        var notification = MessageJson.Deserialize<CoordinatorNotification>(Assert.Single(harness.Queues.On(QueueNames.Notifications)));
        Assert.Equal("ntf_NATARS-PKUIH-0001.participant_allocated", notification.NotificationId);
        Assert.Equal(NotificationKind.ParticipantAllocated, notification.Kind);
        Assert.Equal("PKUIH", notification.SiteId);
        Assert.Equal(AllocationHarness.Now, notification.CreatedAt);
        Assert.Empty(harness.Allocations.Pending);
    }

    [Fact]
    public async Task Participant_GetAndSiteList_And404ForUnknownOrMalformed()
    {
        using var harness = new AllocationHarness();
        for (var i = 0; i < 3; i++)
            await harness.AllocateAsync(await harness.SubmitEligibleAsync());

        var one = await harness.GetAsync(r => harness.ParticipantFunctions.GetParticipant(r, "NATARS-PKUIH-0002", CancellationToken.None), "/api/participants/NATARS-PKUIH-0002");
        Assert.Equal(200, one.Status);
        Assert.Equal("allocated", one.Json.GetProperty("status").GetString());
        Assert.Equal("2026-11-29", one.Json.GetProperty("allocatedOn").GetString());
        Assert.Equal(2, one.Json.GetProperty("allocationNumber").GetInt32());
        Assert.Equal("DDLPS", one.Json.GetProperty("stratum").GetString());

        foreach (var unknown in new[] { "NATARS-PKUIH-0099", "nonsense", "NATARS-../-0001" })
            Assert.Equal(404, (await harness.GetAsync(r => harness.ParticipantFunctions.GetParticipant(r, unknown, CancellationToken.None), "/api/participants/" + Uri.EscapeDataString(unknown))).Status);

        var first = await harness.GetAsync(r => harness.ParticipantFunctions.ListSiteParticipants(r, "PKUIH", CancellationToken.None), "/api/sites/PKUIH/participants", "?pageSize=2");
        var token = first.Json.GetProperty("continuationToken").GetString();
        var second = await harness.GetAsync(r => harness.ParticipantFunctions.ListSiteParticipants(r, "PKUIH", CancellationToken.None), "/api/sites/PKUIH/participants",
            "?pageSize=2&continuationToken=" + token);
        Assert.Equal(["NATARS-PKUIH-0001", "NATARS-PKUIH-0002", "NATARS-PKUIH-0003"],
            first.Json.GetProperty("items").EnumerateArray().Concat(second.Json.GetProperty("items").EnumerateArray())
                .Select(p => p.GetProperty("participantId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.Json.GetProperty("continuationToken").ValueKind);

        Assert.Equal(404, (await harness.GetAsync(r => harness.ParticipantFunctions.ListSiteParticipants(r, "NOWHERE", CancellationToken.None), "/api/sites/NOWHERE/participants")).Status);
    }
}
