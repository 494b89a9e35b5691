using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using static RpsServerless.Functions.Tests.SchedulingHarness;

namespace RpsServerless.Functions.Tests;

/// <summary><c>POST …/visits/{visitId}</c> and <c>GET …/schedule</c> through the function class, over in-memory stores.</summary>
public class VisitRecordingFunctionTests
{
    private static async Task<TestHttp.Written> PostVisitAsync(SchedulingHarness h, string visitId, string json, string participantId = ParticipantId)
    {
        var request = TestHttp.Post($"/api/participants/{participantId}/visits/{visitId}", json);
        return await TestHttp.ExecuteAsync(await h.ScheduleFunctions.RecordVisit(request, participantId, visitId, CancellationToken.None), request);
    }

    private static SchedulingHarness Allocated(string arm = "neoadjuvant")
    {
        var h = new SchedulingHarness();
        h.Allocate(arm);
        h.AdvanceTo(new DateOnly(2026, 12, 12));
        return h;
    }

    [Fact]
    public async Task CompletedC1D1_IsStored_QueuesARebuild_AndAnswersTheScheduleWithC2D1Anchored()
    {
        var h = Allocated();
        var written = await PostVisitAsync(h, "C1D1", """{"status":"completed","date":"2026-12-09","data":{"doxorubicinMgM2":60}}""");

        Assert.Equal(200, written.Status);
        var visits = written.Json.GetProperty("visits");
        var c1 = visits.EnumerateArray().Single(v => v.GetProperty("visitId").GetString() == "C1D1");
        var c2 = visits.EnumerateArray().Single(v => v.GetProperty("visitId").GetString() == "C2D1");
        Assert.Equal("completed", c1.GetProperty("status").GetString());
        Assert.Equal("2026-12-09", c1.GetProperty("completedOn").GetString());
        Assert.Equal("2026-12-30", c2.GetProperty("targetDate").GetString()); // actual C1D1 + 21
        Assert.Contains(written.Json.GetProperty("reminders").EnumerateArray(), r => r.GetProperty("visitId").GetString() == "C2D1"
            && r.GetProperty("status").GetString() == "pending" && r.GetProperty("dueAt").GetString() == "2026-12-30T00:00:00Z");

        var record = Assert.Single(h.Schedules.Partitions[ParticipantId].Records);
        Assert.Equal((1, "C1D1", new DateOnly(2026, 12, 9)), (record.Sequence, record.Visit.VisitId, record.Visit.Date!.Value));
        var queued = Assert.Single(h.Queue.On<ParticipantEvent>(QueueNames.ParticipantEvents));
        Assert.Equal(new ParticipantEvent(ParticipantId, "visit_recorded"), queued);
    }

    [Theory]
    [InlineData("C1D1", """{"status":"completed"}""", "date")]                                         // no date
    [InlineData("C1D1", """{"status":"completed","date":"2026-12-20"}""", "date")]                     // in the future at the site
    [InlineData("C1D1", """{"status":"completed","date":"2026-11-28"}""", "date")]                     // before allocation
    [InlineData("C1D1", """{"status":"missed"}""", "reason")]                                          // missed without a reason
    [InlineData("C1D1", """{"status":"completed","date":"2026-12-09","data":[1]}""", "data")]          // data not an object
    [InlineData("C1D1", """{"status":"completed","date":"2026-12-09","dose":1}""", "dose")]            // unknown field
    [InlineData("C1D1", """{"status":"done","date":"2026-12-09"}""", "status")]                        // not a status
    [InlineData("C1D1", """{"status":"completed","date":"2026-12-9"}""", "date")]                      // not YYYY-MM-DD
    public async Task BadRecordings_Are400WithTheField(string visitId, string json, string field)
    {
        var h = Allocated();
        var written = await PostVisitAsync(h, visitId, json);

        Assert.Equal(400, written.Status);
        Assert.Equal("application/problem+json; charset=utf-8", written.ContentType);
        Assert.True(written.Json.GetProperty("errors").TryGetProperty(field, out _), written.Body);
        Assert.Empty(h.Queue.Sent);
        Assert.False(h.Schedules.Partitions.TryGetValue(ParticipantId, out var p) && p.Records.Count > 0);
    }

    [Fact]
    public async Task MalformedJson_Is400()
    {
        var h = Allocated();
        Assert.Equal(400, (await PostVisitAsync(h, "C1D1", """{"status":""")).Status);
    }

    [Fact]
    public async Task UnknownParticipant_And_UnknownVisit_Are404()
    {
        var h = Allocated();
        Assert.Equal(404, (await PostVisitAsync(h, "C1D1", """{"status":"completed","date":"2026-12-09"}""", "NATARS-PKUIH-0999")).Status);
        Assert.Equal(404, (await PostVisitAsync(h, "C9D9", """{"status":"completed","date":"2026-12-09"}""")).Status);
        // Chemotherapy cycles are not in the surgery-only arm.
        var surgeryOnly = Allocated("surgery_only");
        Assert.Equal(404, (await PostVisitAsync(surgeryOnly, "C1D1", """{"status":"completed","date":"2026-12-09"}""")).Status);
    }

    [Fact]
    public async Task StateConflicts_Are409()
    {
        var h = Allocated();
        // C2D1 is anchored to C1D1, which has not been recorded.
        Assert.Equal(409, (await PostVisitAsync(h, "C2D1", """{"status":"completed","date":"2026-12-09"}""")).Status);

        Assert.Equal(200, (await PostVisitAsync(h, "C1D1", """{"status":"completed","date":"2026-12-09"}""")).Status);
        // Done on another date: a data correction, not a second recording.
        var again = await PostVisitAsync(h, "C1D1", """{"status":"completed","date":"2026-12-10"}""");
        Assert.Equal(409, again.Status);
        Assert.Contains("already recorded", again.Body);
        Assert.Single(h.Schedules.Partitions[ParticipantId].Records);
    }

    [Fact]
    public async Task TheSameRecordingAgain_IsAnsweredAsBefore_WithoutASecondRecord_AndQueuesTheRebuildAgain()
    {
        var h = Allocated();
        var json = """{"status":"completed","date":"2026-12-09","data":{"delayReason":"neutropenia"}}""";
        var first = await PostVisitAsync(h, "C1D1", json);
        var second = await PostVisitAsync(h, "C1D1", json);

        Assert.Equal((200, 200), (first.Status, second.Status));
        Assert.Equal(first.Body, second.Body);
        Assert.Single(h.Schedules.Partitions[ParticipantId].Records);
        Assert.Equal(2, h.Queue.On<ParticipantEvent>(QueueNames.ParticipantEvents).Count);
    }

    [Fact]
    public async Task Surgery_NeedsItsResectionStatus()
    {
        var h = new SchedulingHarness();
        h.Allocate("surgery_only");
        h.AdvanceTo(new DateOnly(2026, 12, 14));

        var noData = await PostVisitAsync(h, "SURGERY", """{"status":"completed","date":"2026-12-12"}""");
        Assert.Equal(400, noData.Status);
        Assert.True(noData.Json.GetProperty("errors").TryGetProperty("data", out _));

        var badResection = await PostVisitAsync(h, "SURGERY", """{"status":"completed","date":"2026-12-12","data":{"resection":"r7"}}""");
        Assert.Equal(400, badResection.Status);
        Assert.True(badResection.Json.GetProperty("errors").TryGetProperty("data.resection", out _), badResection.Body);

        var done = await PostVisitAsync(h, "SURGERY", """{"status":"completed","date":"2026-12-12","data":{"resection":"r0"}}""");
        Assert.Equal(200, done.Status);
        var postOp = done.Json.GetProperty("visits").EnumerateArray().Single(v => v.GetProperty("visitId").GetString() == "POSTOP30");
        Assert.Equal("2027-01-11", postOp.GetProperty("targetDate").GetString());
    }

    [Fact]
    public async Task GetSchedule_UnknownParticipantIs404_KnownIsTheApiShape()
    {
        var h = Allocated();
        var missing = TestHttp.Get("/api/participants/NATARS-PKUIH-0999/schedule");
        Assert.Equal(404, (await TestHttp.ExecuteAsync(await h.ScheduleFunctions.GetSchedule(missing, "NATARS-PKUIH-0999", CancellationToken.None), missing)).Status);

        var request = TestHttp.Get($"/api/participants/{ParticipantId}/schedule");
        var written = await TestHttp.ExecuteAsync(await h.ScheduleFunctions.GetSchedule(request, ParticipantId, CancellationToken.None), request);
        Assert.Equal(200, written.Status);
        Assert.Equal("2026-11-29", written.Json.GetProperty("allocatedOn").GetString());
        Assert.Equal("NATARS-1.0", written.Json.GetProperty("protocolVersion").GetString());
        var c1 = written.Json.GetProperty("visits")[0];
        Assert.Equal(("C1D1", "chemo_cycle", "due"), (c1.GetProperty("visitId").GetString(), c1.GetProperty("kind").GetString(), c1.GetProperty("status").GetString()));
        var reminder = written.Json.GetProperty("reminders")[0];
        Assert.Equal(["reminderId", "visitId", "kind", "dueAt", "status"], reminder.EnumerateObject().Select(p => p.Name));
    }
}
