using System.Text.Json;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage.Outcomes;
using static RpsServerless.Functions.Tests.Outcomes.OutcomeHarness;

namespace RpsServerless.Functions.Tests.Outcomes;

public class AdverseEventRouteTests
{
    private static readonly DateTimeOffset AwareAt = Start.AddHours(-1);

    [Fact]
    public async Task NonSeriousAe_Is201_WithNoClockAndNoNotification()
    {
        var harness = new OutcomeHarness();
        var response = await harness.RecordAeAsync(MildAe);

        Assert.Equal(201, response.Status);
        var id = response.Json.GetProperty("adverseEventId").GetString()!;
        Assert.Equal($"/api/participants/{ParticipantId}/adverse-events/{id}", response.Headers.Location.ToString());
        Assert.Equal(JsonValueKind.Null, response.Json.GetProperty("saeClock").ValueKind);
        Assert.Empty(harness.Queue.Sent);
        Assert.Empty(harness.Alarms.Alarms);
    }

    [Fact]
    public async Task SeriousAe_NotifiesTheSiteAtOnce_WithAnIdFromTheAe_AndTheTimerNeverRepeatsIt()
    {
        var harness = new OutcomeHarness();
        var response = await harness.RecordAeAsync(SeriousAe(AwareAt));

        Assert.Equal(201, response.Status);
        var id = response.Json.GetProperty("adverseEventId").GetString()!;
        var clock = response.Json.GetProperty("saeClock");
        Assert.Equal("open", clock.GetProperty("state").GetString());
        Assert.Equal("2027-03-02T01:00:00Z", clock.GetProperty("deadline").GetString());

        var notification = Assert.Single(harness.Queue.Notifications);
        Assert.Equal($"ntf_sae_{id}", notification.NotificationId);
        Assert.Equal(NotificationKind.SaeReportDue, notification.Kind);
        Assert.Equal("PKUIH", notification.SiteId);
        Assert.Equal(ParticipantId, notification.ParticipantId);
        Assert.Equal(AwareAt.AddHours(24), notification.DueAt);
        Assert.DoesNotContain("Febrile", notification.Title + notification.Body, StringComparison.OrdinalIgnoreCase);

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Timer.RunAsync(default);
        Assert.Single(harness.Queue.Notifications);
    }

    [Fact]
    public async Task Escalation_IsSentOnce_AtExactly24Hours()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(SeriousAe(AwareAt))).Json.GetProperty("adverseEventId").GetString()!;

        harness.Time.SetUtcNow(AwareAt.AddHours(24).AddTicks(-1));
        await harness.Timer.RunAsync(default);
        Assert.Single(harness.Queue.Notifications);

        harness.Time.SetUtcNow(AwareAt.AddHours(24));
        await harness.Timer.RunAsync(default);
        Assert.Equal(2, harness.Queue.Notifications.Count);
        var escalation = harness.Queue.Notifications[1];
        Assert.Equal($"ntf_sae_{id}_escalated", escalation.NotificationId);
        Assert.Equal(NotificationKind.SaeReportDue, escalation.Kind);
        Assert.StartsWith("ESCALATED", escalation.Title, StringComparison.Ordinal);
        Assert.Contains("overdue", escalation.Title, StringComparison.Ordinal);

        for (var minute = 1; minute <= 3; minute++)
        {
            harness.Time.Advance(TimeSpan.FromMinutes(1));
            await harness.Timer.RunAsync(default);
        }
        Assert.Equal(2, harness.Queue.Notifications.Count);
        var open = Assert.Single(await harness.AdverseEvents.OpenForSiteAsync("PKUIH", default));
        Assert.Equal(SaeClockStatus.Escalated, open.Status);
    }

    [Fact]
    public async Task ReportMarkedSent_ClosesTheClock_AndNoEscalationFollows()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(SeriousAe(AwareAt))).Json.GetProperty("adverseEventId").GetString()!;

        harness.Time.Advance(TimeSpan.FromHours(20));
        var marked = await harness.PostAsync(r => harness.Functions.MarkSponsorReportSent(r, ParticipantId, id, default),
            $"/api/participants/{ParticipantId}/adverse-events/{id}/sponsor-report", """{ "sentAt": "2027-03-01T21:30:00Z" }""");
        Assert.Equal(200, marked.Status);
        Assert.Equal(2, marked.Json.GetProperty("version").GetInt32());
        Assert.Equal("reported_on_time", marked.Json.GetProperty("saeClock").GetProperty("state").GetString());
        Assert.Empty(await harness.AdverseEvents.OpenForSiteAsync("PKUIH", default));

        harness.Time.Advance(TimeSpan.FromHours(5));
        await harness.Timer.RunAsync(default);
        Assert.Single(harness.Queue.Notifications);
        Assert.Empty(harness.Alarms.Alarms);
    }

    [Fact]
    public async Task ReportMarkedSentWhileTheTimerRuns_WinsTheETag_AndNoEscalationIsSent()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(SeriousAe(AwareAt))).Json.GetProperty("adverseEventId").GetString()!;
        harness.Time.SetUtcNow(AwareAt.AddHours(24));
        // The site marks the report sent after the timer read the clock and before it claimed the escalation.
        harness.AdverseEvents.BeforeNextClockReplace = () => harness.PostAsync(r => harness.Functions.MarkSponsorReportSent(r, ParticipantId, id, default),
            "/sponsor-report", """{ "sentAt": "2027-03-02T00:59:00Z" }""").GetAwaiter().GetResult();

        await harness.Timer.RunAsync(default);

        Assert.Single(harness.Queue.Notifications);
        Assert.Empty(harness.Alarms.Alarms);
        var stored = await harness.AdverseEvents.LoadAsync(ParticipantId, id, default);
        Assert.Equal(SaeClockStatus.Closed, stored!.Clock!.Status);
        Assert.Null(stored.Clock.EscalatedAt);
    }

    [Fact]
    public async Task SeriousAeAlreadyReported_StartsNoReminders()
    {
        var harness = new OutcomeHarness();
        var response = await harness.RecordAeAsync(SeriousAe(AwareAt, sentAt: "2027-03-01T01:30:00Z"));
        Assert.Equal(201, response.Status);
        Assert.Equal("reported_on_time", response.Json.GetProperty("saeClock").GetProperty("state").GetString());
        Assert.Empty(harness.Queue.Sent);
        Assert.Empty(harness.Alarms.Alarms);
    }

    [Fact]
    public async Task QueueDownWhenRecorded_StillRecords_AndTheTimerSendsTheNotificationOnce()
    {
        var harness = new OutcomeHarness();
        harness.Queue.FailWith = new HttpRequestException("queue unreachable");
        var response = await harness.RecordAeAsync(SeriousAe(AwareAt));
        Assert.Equal(201, response.Status);
        Assert.Empty(harness.Queue.Sent);

        harness.Queue.FailWith = null;
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Timer.RunAsync(default);
        await harness.Timer.RunAsync(default);
        var id = response.Json.GetProperty("adverseEventId").GetString();
        Assert.Equal($"ntf_sae_{id}", Assert.Single(harness.Queue.Notifications).NotificationId);
    }

    [Fact]
    public async Task FollowUpsAndCorrections_AppendVersions_AndKeepEveryEarlierVersion()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(MildAe)).Json.GetProperty("adverseEventId").GetString()!;
        var path = $"/api/participants/{ParticipantId}/adverse-events/{id}";

        var worse = MildAe.Replace("\"grade\": 1", "\"grade\": 2").Replace("{ \"term\"", "{ \"change\": \"follow_up\", \"term\"");
        var followUp = await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, id, default), path, worse);
        Assert.Equal(200, followUp.Status);

        var better = MildAe.Replace("{ \"term\"", "{ \"change\": \"follow_up\", \"term\"")
            .Replace("\"outcome\": \"recovering\"", "\"outcome\": \"recovered\", \"resolutionDate\": \"2027-02-28\"");
        var recovered = await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, id, default), path, better);
        Assert.Equal(200, recovered.Status);
        Assert.Equal(3, recovered.Json.GetProperty("version").GetInt32());
        Assert.Equal(2, recovered.Json.GetProperty("worstGrade").GetInt32());

        var corrected = MildAe.Replace("\"Nausea\"", "\"Vomiting\"")
            .Replace("{ \"term\"", "{ \"change\": \"correction\", \"changeReason\": \"Transcription error on the AE form\", \"term\"");
        var correction = await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, id, default), path, corrected);
        Assert.Equal(200, correction.Status);

        var versions = correction.Json.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(["initial", "follow_up", "follow_up", "correction"], versions.Select(v => v.GetProperty("change").GetString()));
        Assert.Equal("Nausea", versions[0].GetProperty("facts").GetProperty("term").GetString());
        Assert.Equal("Vomiting", versions[3].GetProperty("facts").GetProperty("term").GetString());
        Assert.Equal("Transcription error on the AE form", versions[3].GetProperty("changeReason").GetString());
    }

    [Fact]
    public async Task FollowUpThatChangesTheTerm_Is409_NamingTheField()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(MildAe)).Json.GetProperty("adverseEventId").GetString()!;
        var body = MildAe.Replace("\"Nausea\"", "\"Vomiting\"").Replace("{ \"term\"", "{ \"change\": \"follow_up\", \"term\"");
        var response = await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, id, default), "/x", body);
        Assert.Equal(409, response.Status);
        Assert.True(response.Json.GetProperty("errors").TryGetProperty("term", out _));
    }

    [Fact]
    public async Task CorrectionWithoutReason_Is400_AtChangeReason()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(MildAe)).Json.GetProperty("adverseEventId").GetString()!;
        var body = MildAe.Replace("{ \"term\"", "{ \"change\": \"correction\", \"term\"");
        var response = await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, id, default), "/x", body);
        Assert.Equal(400, response.Status);
        Assert.True(response.Json.GetProperty("errors").TryGetProperty("changeReason", out _));
    }

    [Fact]
    public async Task InvalidFields_Are400_WithFieldPaths()
    {
        var harness = new OutcomeHarness();
        var body = MildAe.Replace("\"grade\": 1", "\"grade\": 7").Replace("\"doxorubicin\": \"possible\"", "\"doxorubicin\": \"maybe\"");
        var response = await harness.RecordAeAsync(body);
        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json; charset=utf-8", response.ContentType);
        var errors = response.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty("grade", out _));
        Assert.True(errors.TryGetProperty("relatedness.doxorubicin", out _));
    }

    [Fact]
    public async Task OnsetBeforeAllocation_And_AwarenessInTheFuture_Are400()
    {
        var harness = new OutcomeHarness();
        var body = MildAe.Replace("2027-02-27", "2027-01-01").Replace("2027-02-28T03:00:00Z", "2027-03-05T00:00:00Z");
        var response = await harness.RecordAeAsync(body);
        Assert.Equal(400, response.Status);
        var errors = response.Json.GetProperty("errors");
        Assert.Contains("before the allocation date 2027-01-04", errors.GetProperty("onsetDate")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("in the future", errors.GetProperty("awareAt")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownParticipant_Or_UnknownEvent_Is404()
    {
        var harness = new OutcomeHarness();
        Assert.Equal(404, (await harness.RecordAeAsync(MildAe, "NATARS-PKUIH-0099")).Status);
        var body = MildAe.Replace("{ \"term\"", "{ \"change\": \"follow_up\", \"term\"");
        Assert.Equal(404, (await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, "ae_missing", default), "/x", body)).Status);
    }

    [Fact]
    public async Task SponsorReport_OnANonSeriousEvent_Is409_AndMarkedTwice_Is409()
    {
        var harness = new OutcomeHarness();
        var mild = (await harness.RecordAeAsync(MildAe)).Json.GetProperty("adverseEventId").GetString()!;
        var body = """{ "sentAt": "2027-03-01T01:30:00Z" }""";
        Assert.Equal(409, (await harness.PostAsync(r => harness.Functions.MarkSponsorReportSent(r, ParticipantId, mild, default), "/x", body)).Status);

        var serious = (await harness.RecordAeAsync(SeriousAe(AwareAt))).Json.GetProperty("adverseEventId").GetString()!;
        Assert.Equal(200, (await harness.PostAsync(r => harness.Functions.MarkSponsorReportSent(r, ParticipantId, serious, default), "/x", body)).Status);
        Assert.Equal(409, (await harness.PostAsync(r => harness.Functions.MarkSponsorReportSent(r, ParticipantId, serious, default), "/x", body)).Status);

        var early = await harness.PostAsync(r => harness.Functions.MarkSponsorReportSent(r, ParticipantId, serious, default), "/x",
            """{ "sentAt": "2027-01-01T00:00:00Z" }""");
        Assert.Equal(409, early.Status); // already marked: the state is checked before the value
    }

    [Fact]
    public async Task CorrectedToNotSerious_ClosesTheClock_AndNoEscalationFollows()
    {
        var harness = new OutcomeHarness();
        var id = (await harness.RecordAeAsync(SeriousAe(AwareAt))).Json.GetProperty("adverseEventId").GetString()!;
        var body = SeriousAe(AwareAt).Replace("\"serious\": true", "\"serious\": false").Replace("[\"hospitalisation\"]", "[]")
            .Replace("{ \"term\"", "{ \"change\": \"correction\", \"changeReason\": \"Not hospitalised: day-case visit\", \"term\"");
        var corrected = await harness.PostAsync(r => harness.Functions.UpdateAdverseEvent(r, ParticipantId, id, default), "/x", body);
        Assert.Equal(200, corrected.Status);
        Assert.Equal(JsonValueKind.Null, corrected.Json.GetProperty("saeClock").ValueKind);

        harness.Time.SetUtcNow(AwareAt.AddHours(25));
        await harness.Timer.RunAsync(default);
        Assert.Single(harness.Queue.Notifications);
        Assert.Empty(await harness.AdverseEvents.OpenForSiteAsync("PKUIH", default));
    }

    [Fact]
    public async Task OpenClocks_ForTheWorklist_AreTheSitesOwn_EarliestDeadlineFirst()
    {
        var harness = new OutcomeHarness();
        harness.Participants.Add(Participant("NATARS-BFH-0001", "surgery_only", 2));
        await harness.RecordAeAsync(SeriousAe(AwareAt));
        await harness.RecordAeAsync(SeriousAe(AwareAt.AddHours(-2)));
        await harness.RecordAeAsync(SeriousAe(AwareAt), "NATARS-BFH-0001");

        var open = await harness.AdverseEvents.OpenForSiteAsync("PKUIH", default);
        Assert.Equal([AwareAt.AddHours(22), AwareAt.AddHours(24)], open.Select(c => c.Deadline));
        Assert.All(open, c => Assert.Equal("PKUIH", c.SiteId));
    }
}
