using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Core.Protocol;
using RpsServerless.DevHost;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Timers;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// The SAE clock end to end over real Azurite: HTTP → AdverseEvents + SaeAlarms tables → <c>notifications</c> queue,
/// and the every-minute timer on a fake clock. Its own Azurite and devhost, with no queue triggers, so the messages
/// stay on <c>notifications</c> to be read (the shared devhost would hand them to the notifications function).
/// </summary>
public sealed class SaeClockTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly FakeTimeProvider _time = new(Start);
    private TemporaryStorage _storage = null!;
    private DevHostApplication _devHost = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _storage = await TemporaryStorage.StartAsync("sae");
        _devHost = await DevHostApplication.StartAsync(new DevHostOptions
        {
            Port = 0,
            Args = ["--AzureWebJobsStorage", _storage.ConnectionString],
            MinimumLogLevel = LogLevel.Warning,
            RunQueueTriggers = false,
            ConfigureServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time));
                // These tests need one participant without going through allocation: it stands in for the table directory.
                services.Replace(ServiceDescriptor.Singleton<IParticipantDirectory>(new OneParticipant(new ParticipantRecord("NATARS-PKUIH-0001", "PKUIH", "scr_1",
                    "neoadjuvant", "DDLPS", AllocationMethod.PermutedBlocks, 1, new DateTimeOffset(2027, 1, 4, 2, 0, 0, TimeSpan.Zero),
                    new DateOnly(2027, 1, 4), ProtocolCatalog.Current))));
            },
        });
        // A coordinator of the participant's site records and reads its outcomes.
        _http = new HttpClient(new DevelopmentTokenHandler(_devHost, DevelopmentCaller.Of(Role.Coordinator, "PKUIH")))
        {
            BaseAddress = _devHost.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_devHost is not null) await _devHost.DisposeAsync();
        if (_storage is not null) await _storage.DisposeAsync();
    }

    private static string SeriousAe(string awareAt) => $$"""
        { "term": "Febrile neutropenia", "grade": 3, "onsetDate": "2027-02-28", "serious": true,
          "seriousnessCriteria": ["hospitalisation"],
          "relatedness": { "doxorubicin": "probable", "ifosfamide": "possible", "anlotinib": "unlikely", "surgery": null },
          "outcome": "recovering", "awareAt": "{{awareAt}}" }
        """;

    private async Task<string> RecordAsync(string body)
    {
        using var response = await _http.PostAsync("api/participants/NATARS-PKUIH-0001/adverse-events",
            new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("adverseEventId").GetString()!;
    }

    private async Task<List<JsonElement>> NotificationsAsync()
    {
        var queue = new QueueClient(_storage.ConnectionString, QueueNames.Notifications, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.Clone()).ToList();
    }

    private Task RunTimerDirectlyAsync() =>
        ActivatorUtilities.CreateInstance<SaeReportClock>(_devHost.Services).Run(new TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task SeriousAe_NotifiesAtOnce_EscalatesOnceAfter24Hours_AndNotWhenTheReportWasMarkedSent()
    {
        var unreported = await RecordAsync(SeriousAe("2027-03-01T01:30:00Z"));
        var reported = await RecordAsync(SeriousAe("2027-03-01T01:45:00Z"));

        var initial = await NotificationsAsync();
        // Adverse-event ids carry a random part, so the two are compared as sets (both sides in ordinal order).
        Assert.Equal(new[] { $"ntf_sae_{unreported}", $"ntf_sae_{reported}" }.Order(StringComparer.Ordinal),
            initial.Select(n => n.GetProperty("notificationId").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(initial, n => Assert.Equal("sae_report_due", n.GetProperty("kind").GetString()));

        using (var marked = await _http.PostAsJsonAsync($"api/participants/NATARS-PKUIH-0001/adverse-events/{reported}/sponsor-report",
                   new { sentAt = "2027-03-01T01:55:00Z" }))
            Assert.Equal(HttpStatusCode.OK, marked.StatusCode);

        var clocks = _devHost.Services.GetRequiredService<ISaeClockReader>();
        Assert.Equal([unreported], (await clocks.OpenForSiteAsync("PKUIH", default)).Select(c => c.AdverseEventId));

        // Past 24 h: the devhost's every-minute timer fires (late, once) on the fake clock.
        _time.Advance(TimeSpan.FromHours(24));
        await Eventually.HoldsAsync(async () => (await NotificationsAsync()).Count == 3, Patience, "the escalation is queued");
        var escalation = (await NotificationsAsync()).Single(n => n.GetProperty("notificationId").GetString()!.EndsWith("_escalated", StringComparison.Ordinal));
        Assert.Equal($"ntf_sae_{unreported}_escalated", escalation.GetProperty("notificationId").GetString());
        Assert.StartsWith("ESCALATED", escalation.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("2027-03-02T01:30:00Z", escalation.GetProperty("dueAt").GetString());

        // The timer again, on later minutes: nothing more.
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunTimerDirectlyAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunTimerDirectlyAsync();
        Assert.Equal(3, (await NotificationsAsync()).Count);

        var open = Assert.Single(await clocks.OpenForSiteAsync("PKUIH", default));
        Assert.Equal((unreported, SaeClockStatus.Escalated), (open.AdverseEventId, open.Status));
        Assert.Empty(await _devHost.Services.GetRequiredService<ISaeAlarmStore>().DueAsync(_time.GetUtcNow().AddDays(30), default));
    }

    [Fact]
    public async Task AdverseEventVersions_RoundTripThroughTheTable()
    {
        var id = await RecordAsync(SeriousAe("2027-03-01T01:30:00Z"));
        var followUp = SeriousAe("2027-03-01T01:30:00Z").Replace("\"grade\": 3", "\"grade\": 4").Replace("{ \"term\"", "{ \"change\": \"follow_up\", \"term\"");
        using (var response = await _http.PostAsync($"api/participants/NATARS-PKUIH-0001/adverse-events/{id}", new StringContent(followUp, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var json = JsonDocument.Parse(await _http.GetStringAsync($"api/participants/NATARS-PKUIH-0001/adverse-events/{id}"));
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("version").GetInt32());
        Assert.Equal(4, root.GetProperty("worstGrade").GetInt32());
        Assert.Equal([3, 4], root.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("facts").GetProperty("grade").GetInt32()));
        Assert.Equal("open", root.GetProperty("saeClock").GetProperty("state").GetString());
    }

    [Fact]
    public async Task AssessmentsAndFinalPathology_RoundTripThroughTheTables()
    {
        const string participant = "api/participants/NATARS-PKUIH-0001";
        using (var scan = await _http.PostAsync($"{participant}/assessments",
                   new StringContent("""{ "imagingDate": "2027-02-20", "result": "stable", "modality": "ct" }""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Created, scan.StatusCode);
        var assessments = await _devHost.Services.GetRequiredService<IAssessmentStore>().ListAsync("NATARS-PKUIH-0001", default);
        Assert.Equal(Core.Outcomes.AssessmentResult.Stable, Assert.Single(assessments).Assessment.Result);

        using (var report = await _http.PostAsync($"{participant}/pathology",
                   new StringContent("""{ "reportDate": "2027-02-25", "histology": "WDLPS" }""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        using (var correction = await _http.PostAsync($"{participant}/pathology/corrections",
                   new StringContent("""{ "reason": "Central review", "report": { "reportDate": "2027-02-26", "histology": "DDLPS", "fnclccGrade": 3 } }""",
                       Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, correction.StatusCode);

        using var json = JsonDocument.Parse(await _http.GetStringAsync($"{participant}/pathology"));
        Assert.False(json.RootElement.GetProperty("excludedAfterAllocation").GetBoolean());
        Assert.Equal(["WDLPS", "DDLPS"], json.RootElement.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("histology").GetString()));
        Assert.Equal([true, false], json.RootElement.GetProperty("exclusions").EnumerateArray().Select(x => x.GetProperty("excluded").GetBoolean()));
    }

    private sealed class OneParticipant(ParticipantRecord participant) : IParticipantDirectory
    {
        public Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken) =>
            Task.FromResult(participantId == participant.ParticipantId ? participant : null);

        public Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize, CancellationToken cancellationToken) =>
            Task.FromResult(new Page<ParticipantRecord>(siteId == participant.SiteId ? [participant] : [], null));
    }
}
