using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.DevHost;
using RpsServerless.Functions.Security;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// Outcomes and reporting end to end over Azurite and the devhost (queue and timer triggers off: nothing here needs
/// them, and the clock only moves when the test moves it). Eighteen screenings at three sites, twelve of them
/// allocated on 2027-01-04 (day 0) in two strata; then, with the clock at the data cut (day 600, 2028-08-26), the
/// sites record cycles, surgery (one R2), assessments, adverse events (one SAE), a final pathology exclusion (E02),
/// two deaths and a withdrawal. The CONSORT, survival, safety, enrollment and ADTTE outputs must equal figures worked
/// out by hand.
/// <para>
/// <b>Arms.</b> The development seed's permuted-block sequence (<c>rps allocation list --stratum DDLPS|LMS</c>) starts
/// with a block of six in both strata: DDLPS N N N S S S, LMS N N S S N S. The test reads each arm from the allocation
/// response (and checks it against that sequence), then gives the i-th participant allocated to an arm the i-th
/// script of that arm. The survival, safety and CONSORT figures depend only on the scripts, so they hold for any seed
/// that gives six per arm; only the site × arm counts depend on the sequence itself.
/// </para>
/// <para>
/// <b>Expected figures.</b> Times in days from allocation, * = censored:
/// PFS neoadjuvant 540*, 90 (R2), 270 (local recurrence), 365 (distant metastasis), 14* (withdrawn), 45 (death);
/// PFS surgery only 540*, 200 (local recurrence), 365 (distant metastasis), 365*, 10 (progression), 270*;
/// OS neoadjuvant 540*, 400 (death), 560*, 500*, 20*, 45 (death); OS surgery only 540*, 550*, 580*, 365*, 500*, 270*.
/// Kaplan–Meier by hand (product limit): PFS neoadjuvant 0.8 at 45 (5 at risk), 0.6 at 90, 0.4 at 270, 0.2 at 365;
/// surgery only 5/6 at 10, 4/6 at 200, 4/6·2/3 = 0.444444 at 365. Log-rank by hand (Σ(O−E))²/ΣV over the event
/// times: PFS O = 4, E = 3.048016, V = 1.586187 → χ² = 0.5713538; OS O = 2, E = 5/11 + 1/2, V = 30/121 + 1/4 →
/// χ² = 2.195021. The same data through R 4 / survival 3.5-3 (<c>survfit(Surv(t, e) ~ arm)</c>, <c>survdiff</c>)
/// gives the same survival, Greenwood standard errors, log-interval limits, medians (PFS 270 [90, NA] and 365
/// [200, NA]) and χ² 0.5713538449 (p 0.4497214) and 2.195020747 (p 0.1384573).
/// </para>
/// </summary>
public sealed class ReportsEndToEndTests : IAsyncLifetime
{
    /// <summary>Allocation day, 09:00 at the sites.</summary>
    private static readonly DateTimeOffset AllocationInstant = new(2027, 1, 4, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day0 = new(2027, 1, 4);
    private const int DataCutDay = 600;
    private static readonly DateTimeOffset DataCut = AllocationInstant.AddDays(DataCutDay);

    private readonly FakeTimeProvider _time = new(AllocationInstant);
    private readonly DevelopmentSigningKey _key = DevelopmentSigningKey.Create();
    private TemporaryStorage _storage = null!;
    private DevHostApplication _devHost = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _storage = await TemporaryStorage.StartAsync("reports");
        _devHost = await DevHostApplication.StartAsync(new DevHostOptions
        {
            Port = 0,
            Args = ["--AzureWebJobsStorage", _storage.ConnectionString],
            MinimumLogLevel = LogLevel.Warning,
            SigningKey = _key,
            RunQueueTriggers = false,
            RunTimerTriggers = false,
            ConfigureServices = services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)),
        });
        _http = new HttpClient { BaseAddress = _devHost.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_devHost is not null) await _devHost.DisposeAsync();
        if (_storage is not null) await _storage.DisposeAsync();
    }

    // HTTP, always with a development token (as StorageFixture.Request makes them) ---------------------------------

    private static readonly string[] Sites = ["PKUIH", "BFH", "FUSCC"];

    private HttpRequestMessage Request(HttpMethod method, string path, Role role, params string[] sites)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            _devHost.CreateToken(DevelopmentCaller.Of(role, sites)));
        return request;
    }

    private async Task<JsonElement> PostAsync(string path, string? json, HttpStatusCode expected)
    {
        using var request = Request(HttpMethod.Post, path, Role.Coordinator, Sites);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"POST {path}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path, Role role = Role.Statistician)
    {
        using var request = Request(HttpMethod.Get, path, role);
        var response = await _http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> ReportAsync(string path)
    {
        var (response, body) = await GetAsync(path);
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            Assert.True(response.Headers.CacheControl!.NoStore);
        }
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal("NATARS-1.0", json.GetProperty("protocolVersion").GetString());
        Assert.Equal("2028-08-26T01:00:00Z", json.GetProperty("dataCutAt").GetString());
        return json;
    }

    // Screenings ----------------------------------------------------------------------------------------------------

    private int _screeningNumber;

    private string Submission(string site, string histology, int? age, Action<JsonNode>? change = null)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "screening-submission.json")))!;
        node["siteId"] = site;
        node["screeningNumber"] = $"{site}-S-{++_screeningNumber:0000}";
        node["screenedOn"] = "2027-01-04";
        node["mdt"]!["reviewedOn"] = "2027-01-03";
        node["patient"]!["ageYears"] = age;
        node["tumor"]!["histology"] = histology;
        if (histology == "LMS")
        {
            node["tumor"]!["maxDiameterCm"] = 12.0;
            node["tumor"]!["fnclccGrade"] = 2;
        }
        change?.Invoke(node);
        return node.ToJsonString();
    }

    private async Task<string> ScreenAsync(string submission, string outcome)
    {
        var result = await PostAsync("api/screenings", submission, HttpStatusCode.Created);
        Assert.Equal(outcome, result.GetProperty("outcome").GetString());
        return result.GetProperty("screeningId").GetString()!;
    }

    // Recording -----------------------------------------------------------------------------------------------------

    private static string On(int day) => Day0.AddDays(day).ToString("yyyy-MM-dd");

    private Task Visit(string participant, string visit, int day, object? data = null) =>
        PostAsync($"api/participants/{participant}/visits/{visit}",
            JsonSerializer.Serialize(data is null ? new { status = "completed", date = On(day) } : (object)new { status = "completed", date = On(day), data }),
            HttpStatusCode.OK);

    private Task Surgery(string participant, int day, string resection) => Visit(participant, "SURGERY", day, new { resection });

    private async Task Cycles(string participant, params int[] days)
    {
        for (var i = 0; i < days.Length; i++) await Visit(participant, $"C{i + 1}D1", days[i]);
    }

    private Task Assessment(string participant, int day, string result) =>
        PostAsync($"api/participants/{participant}/assessments",
            JsonSerializer.Serialize(new { imagingDate = On(day), result, modality = "ct" }), HttpStatusCode.Created);

    private Task Status(string participant, object body) =>
        PostAsync($"api/participants/{participant}/status", JsonSerializer.Serialize(body), HttpStatusCode.Created);

    private Task AdverseEvent(string participant, string term, int grade, int onsetDay, bool serious) =>
        PostAsync($"api/participants/{participant}/adverse-events", JsonSerializer.Serialize(new
        {
            term, grade, onsetDate = On(onsetDay), serious,
            seriousnessCriteria = serious ? new[] { "hospitalisation" } : [],
            relatedness = new { doxorubicin = "possible", ifosfamide = "possible", anlotinib = "unlikely", surgery = (string?)null },
            outcome = "recovered", resolutionDate = On(onsetDay + 5), awareAt = $"{On(onsetDay)}T02:00:00Z",
        }), HttpStatusCode.Created);

    [Fact]
    public async Task TwelveParticipantsThroughTreatmentAndFollowUp_ReportsMatchTheHandComputedFigures()
    {
        // Day 0: six DDLPS (PKUIH/BFH) and six LMS (FUSCC/PKUIH) eligible, in allocation order; the rest never allocated.
        (string Site, string Histology, int Age)[] eligible =
        [
            ("PKUIH", "DDLPS", 50), ("BFH", "DDLPS", 52), ("PKUIH", "DDLPS", 54), ("BFH", "DDLPS", 56), ("PKUIH", "DDLPS", 58), ("BFH", "DDLPS", 60),
            ("FUSCC", "LMS", 40), ("PKUIH", "LMS", 42), ("FUSCC", "LMS", 44), ("PKUIH", "LMS", 46), ("FUSCC", "LMS", 48), ("PKUIH", "LMS", 62),
        ];
        var allocated = new List<(string Id, string Arm, string Site)>();
        foreach (var (site, histology, age) in eligible)
        {
            var screening = await ScreenAsync(Submission(site, histology, age), "eligible");
            var allocation = await PostAsync($"api/screenings/{screening}/allocation", null, HttpStatusCode.Created);
            allocated.Add((allocation.GetProperty("participantId").GetString()!, allocation.GetProperty("arm").GetString()!, site));
            Assert.Equal("2027-01-04T01:00:00Z", allocation.GetProperty("allocatedAt").GetString());
        }
        const string N = "neoadjuvant", S = "surgery_only";
        Assert.Equal([N, N, N, S, S, S, N, N, S, S, N, S], allocated.Select(a => a.Arm));

        await ScreenAsync(Submission("PKUIH", "DDLPS", 80), "ineligible");                                              // I01
        await ScreenAsync(Submission("FUSCC", "LMS", 55, n => n["tumor"]!["maxDiameterCm"] = 8.0), "ineligible");      // I07
        await ScreenAsync(Submission("BFH", "DDLPS", 80, n => n["tumor"]!["metastasis"] = "confirmed"), "ineligible"); // I01 + E04
        await ScreenAsync(Submission("PKUIH", "DDLPS", 57, n => n["tumor"]!["mdm2Ihc"] = "not_done"), "incomplete");   // I05
        await ScreenAsync(Submission("BFH", "DDLPS", 57, n => n["patient"]!["informedConsentSigned"] = null), "incomplete"); // I14
        await ScreenAsync(Submission("PKUIH", "DDLPS", 59), "eligible");                                                 // never allocated

        // The data cut: everything below is recorded on day 600, dated when it happened.
        _time.Advance(DataCut - _time.GetUtcNow());
        var neo = allocated.Where(a => a.Arm == N).Select(a => a.Id).ToArray();
        var surgeryOnly = allocated.Where(a => a.Arm == S).Select(a => a.Id).ToArray();

        // N1: three cycles on time, R0, no evidence of disease to day 540. PFS 540*, OS 540*.
        await Cycles(neo[0], 7, 28, 49);
        await Surgery(neo[0], 84, "r0");
        foreach (var day in new[] { 180, 365, 540 }) await Assessment(neo[0], day, "no_evidence_of_disease");
        await AdverseEvent(neo[0], "Nausea", 1, 8, serious: false);
        // N2: R2 resection on day 90 (PFS event), distant metastasis later, died on day 400. PFS 90, OS 400.
        await Cycles(neo[1], 7, 28, 49);
        await Surgery(neo[1], 90, "r2");
        await Assessment(neo[1], 300, "distant_metastasis");
        await Status(neo[1], new { status = "died", date = On(400), cause = "sarcoma" });
        // N3: C1 3 days late, C2 7 days late at reduced dose, SAE (febrile neutropenia), R1, local recurrence day 270,
        // alive on day 560. PFS 270, OS 560*.
        await Visit(neo[2], "C1D1", 10);
        await Visit(neo[2], "C2D1", 38, new { doseReduced = true, delayReason = "neutropenia" });
        await Visit(neo[2], "C3D1", 59);
        await Surgery(neo[2], 95, "r1");
        await AdverseEvent(neo[2], "Febrile neutropenia", 3, 20, serious: true);
        await Assessment(neo[2], 270, "local_recurrence");
        await Status(neo[2], new { status = "alive", date = On(560) });
        // N4: R0, final pathology WDLPS (E02: excluded after allocation, still analysed), distant metastasis day 365,
        // alive on day 500. PFS 365, OS 500*.
        await Cycles(neo[3], 7, 28, 49);
        await Surgery(neo[3], 85, "r0");
        await PostAsync($"api/participants/{neo[3]}/pathology",
            JsonSerializer.Serialize(new { reportDate = On(100), histology = "WDLPS", fnclccGrade = 1 }), HttpStatusCode.Created);
        await Assessment(neo[3], 180, "no_evidence_of_disease");
        await Assessment(neo[3], 365, "distant_metastasis");
        await Status(neo[3], new { status = "alive", date = On(500) });
        // N5: one cycle, stable disease on day 14, withdrew on day 20. PFS 14* (before withdrawal), OS 20*.
        await Cycles(neo[4], 7);
        await Assessment(neo[4], 14, "stable");
        await Status(neo[4], new { status = "withdrawn", date = On(20), reasonCode = "participant_decision" });
        // N6: C2 without anlotinib at reduced dose, stopped for toxicity, died on day 45. PFS 45, OS 45.
        await Visit(neo[5], "C1D1", 7);
        await Visit(neo[5], "C2D1", 28, new { drugsGiven = new[] { "doxorubicin", "ifosfamide" }, doseReduced = true, stopReason = "toxicity" });
        await AdverseEvent(neo[5], "Nausea", 2, 30, serious: false);
        await Status(neo[5], new { status = "died", date = On(45), cause = "treatment_toxicity" });

        // S1: R0, no evidence of disease to day 540. PFS 540*, OS 540*.
        await Surgery(surgeryOnly[0], 14, "r0");
        foreach (var day in new[] { 180, 365, 540 }) await Assessment(surgeryOnly[0], day, "no_evidence_of_disease");
        // S2: local recurrence day 200, alive day 550. PFS 200, OS 550*.
        await Surgery(surgeryOnly[1], 16, "r0");
        await AdverseEvent(surgeryOnly[1], "Wound infection", 2, 20, serious: false);
        await Assessment(surgeryOnly[1], 200, "local_recurrence");
        await Status(surgeryOnly[1], new { status = "alive", date = On(550) });
        // S3: R1, distant metastasis day 365, alive day 580. PFS 365, OS 580*.
        await Surgery(surgeryOnly[2], 14, "r1");
        await Assessment(surgeryOnly[2], 180, "no_evidence_of_disease");
        await Assessment(surgeryOnly[2], 365, "distant_metastasis");
        await Status(surgeryOnly[2], new { status = "alive", date = On(580) });
        // S4: no evidence of disease on days 180 and 365. PFS 365*, OS 365*.
        await Surgery(surgeryOnly[3], 15, "r0");
        await Assessment(surgeryOnly[3], 180, "no_evidence_of_disease");
        await Assessment(surgeryOnly[3], 365, "no_evidence_of_disease");
        // S5: progression (RECIST) on day 10 before surgery, alive day 500. PFS 10, OS 500*.
        await Assessment(surgeryOnly[4], 10, "progression");
        await Surgery(surgeryOnly[4], 25, "r0");
        await Status(surgeryOnly[4], new { status = "alive", date = On(500) });
        // S6: no evidence of disease on day 270. PFS 270*, OS 270*.
        await Surgery(surgeryOnly[5], 14, "r0");
        await Assessment(surgeryOnly[5], 270, "no_evidence_of_disease");

        await ConsortMatchesAsync();
        await PfsMatchesAsync();
        await OsMatchesAsync();
        await SafetyMatchesAsync();
        await EnrollmentMatchesAsync();
        await AdtteMatchesAsync(neo, surgeryOnly);
        await DiagramsAreSvgAsync();
    }

    private static int Count(JsonElement counts, string id) =>
        counts.EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).GetProperty("count").GetInt32();

    private static JsonElement Arm(JsonElement report, string arm) =>
        report.GetProperty("arms").EnumerateArray().Single(a => a.GetProperty("arm").GetString() == arm);

    private async Task ConsortMatchesAsync()
    {
        var flow = await ReportAsync("api/reports/consort");
        Assert.Equal(18, flow.GetProperty("assessedForEligibility").GetInt32());
        var excluded = flow.GetProperty("notAllocated");
        Assert.Equal(6, excluded.GetProperty("total").GetInt32());
        Assert.Equal(3, excluded.GetProperty("ineligible").GetProperty("count").GetInt32());
        var failed = excluded.GetProperty("ineligible").GetProperty("criteria");
        Assert.Equal((2, 1, 1, 3), (Count(failed, "I01"), Count(failed, "I07"), Count(failed, "E04"), failed.GetArrayLength()));
        Assert.Equal(2, excluded.GetProperty("eligibilityNotEstablished").GetProperty("count").GetInt32());
        var missing = excluded.GetProperty("eligibilityNotEstablished").GetProperty("criteria");
        Assert.Equal((1, 1), (Count(missing, "I05"), Count(missing, "I14")));
        Assert.Equal(1, excluded.GetProperty("eligibleNotAllocated").GetInt32());
        Assert.Equal(12, flow.GetProperty("allocated").GetInt32());

        var neo = Arm(flow, "neoadjuvant");
        Assert.Equal((6, 6, 0, 0, 6, 0), (neo.GetProperty("allocated").GetInt32(), neo.GetProperty("intervention").GetProperty("received").GetInt32(),
            neo.GetProperty("intervention").GetProperty("notReceived").GetInt32(), neo.GetProperty("intervention").GetProperty("notYetKnown").GetInt32(),
            neo.GetProperty("analysed").GetInt32(), neo.GetProperty("excludedFromAnalysis").GetInt32()));
        var followUp = neo.GetProperty("followUp");
        Assert.Equal((1, 1, 0, 0), (followUp.GetProperty("excludedAfterAllocation").GetInt32(), followUp.GetProperty("withdrawn").GetInt32(),
            followUp.GetProperty("lostToFollowUp").GetInt32(), followUp.GetProperty("allocatedInError").GetInt32()));
        Assert.Equal("participant_decision", followUp.GetProperty("withdrawalReasons")[0].GetProperty("reason").GetString());
        Assert.Equal("E02: final pathology", followUp.GetProperty("exclusionReasons")[0].GetProperty("reason").GetString());
        var surgery = Arm(flow, "surgery_only");
        Assert.Equal((6, 6, 0, 0, 6), (surgery.GetProperty("allocated").GetInt32(), surgery.GetProperty("intervention").GetProperty("received").GetInt32(),
            surgery.GetProperty("followUp").GetProperty("excludedAfterAllocation").GetInt32(), surgery.GetProperty("followUp").GetProperty("withdrawn").GetInt32(),
            surgery.GetProperty("analysed").GetInt32()));

        // One site: BFH screened d2, d4, d6, the I01 + E04 screening and the I14 one.
        var bfh = await ReportAsync("api/reports/consort?siteId=BFH");
        Assert.Equal(("BFH", 5, 2, 3), (bfh.GetProperty("siteId").GetString(), bfh.GetProperty("assessedForEligibility").GetInt32(),
            bfh.GetProperty("notAllocated").GetProperty("total").GetInt32(), bfh.GetProperty("allocated").GetInt32()));
        Assert.Equal((1, 2), (Arm(bfh, "neoadjuvant").GetProperty("allocated").GetInt32(), Arm(bfh, "surgery_only").GetProperty("allocated").GetInt32()));

        // No screening numbers or screening ids in a statistician's report.
        var (response, text) = await GetAsync("api/reports/consort");
        response.Dispose();
        Assert.DoesNotContain("scr_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("-S-", text, StringComparison.Ordinal);
    }

    private static void Row(JsonElement table, int i, double time, int atRisk, int events, int censored, double survival, double? stdErr = null, double? lower = null)
    {
        var row = table[i];
        Assert.Equal((time, atRisk, events, censored), (row.GetProperty("time").GetDouble(), row.GetProperty("atRisk").GetInt32(),
            row.GetProperty("events").GetInt32(), row.GetProperty("censored").GetInt32()));
        Assert.Equal(survival, row.GetProperty("survival").GetDouble(), 5);
        // R prints six significant digits: agreement to 1e-5 is agreement with what R shows.
        if (stdErr is { } se) Assert.InRange(row.GetProperty("stdErr").GetDouble(), se - 1e-5, se + 1e-5);
        if (lower is { } l) Assert.InRange(row.GetProperty("lower").GetDouble(), l - 1e-5, l + 1e-5);
    }

    private async Task PfsMatchesAsync()
    {
        var pfs = await ReportAsync("api/reports/survival?endpoint=pfs");
        Assert.Equal("pfs", pfs.GetProperty("endpoint").GetString());
        var neo = Arm(pfs, "neoadjuvant");
        Assert.Equal((6, 4), (neo.GetProperty("n").GetInt32(), neo.GetProperty("events").GetInt32()));
        var table = neo.GetProperty("table");
        Assert.Equal(6, table.GetArrayLength());
        Row(table, 0, 14, 6, 0, 1, 1.0);
        Row(table, 1, 45, 5, 1, 0, 0.8, 0.178885, 0.516126);   // 0.8·√(1/20)
        Row(table, 2, 90, 4, 1, 0, 0.6, 0.219089, 0.293316);
        Row(table, 3, 270, 3, 1, 0, 0.4, 0.219089, 0.136722);
        Row(table, 4, 365, 2, 1, 0, 0.2, 0.178885, 0.034649);
        Row(table, 5, 540, 1, 0, 1, 0.2);
        Assert.Equal(270, neo.GetProperty("median").GetProperty("estimate").GetDouble());
        Assert.Equal(90, neo.GetProperty("median").GetProperty("lower").GetDouble());
        Assert.Equal(JsonValueKind.Null, neo.GetProperty("median").GetProperty("upper").ValueKind);
        Assert.Equal(0.2, neo.GetProperty("landmarks")[0].GetProperty("survival").GetDouble(), 5);
        Assert.Equal(JsonValueKind.Null, neo.GetProperty("landmarks")[1].GetProperty("survival").ValueKind); // 1096 is after the last time

        var surgery = Arm(pfs, "surgery_only");
        Assert.Equal((6, 3), (surgery.GetProperty("n").GetInt32(), surgery.GetProperty("events").GetInt32()));
        var st = surgery.GetProperty("table");
        Assert.Equal(5, st.GetArrayLength());
        Row(st, 0, 10, 6, 1, 0, 5.0 / 6, 0.152145);
        Row(st, 1, 200, 5, 1, 0, 4.0 / 6, 0.192450);
        Row(st, 2, 270, 4, 0, 1, 4.0 / 6);
        Row(st, 3, 365, 3, 1, 1, 4.0 / 9, 0.222222, 0.166808);
        Row(st, 4, 540, 1, 0, 1, 4.0 / 9);
        Assert.Equal(365, surgery.GetProperty("median").GetProperty("estimate").GetDouble());
        Assert.Equal(4.0 / 9, surgery.GetProperty("landmarks")[0].GetProperty("survival").GetDouble(), 5);

        var logRank = pfs.GetProperty("logRank");
        Assert.Equal(0.5713538449, logRank.GetProperty("chiSquare").GetDouble(), 6);
        Assert.Equal(1, logRank.GetProperty("df").GetInt32());
        Assert.Equal(0.4497214355, logRank.GetProperty("p").GetDouble(), 6);
    }

    private async Task OsMatchesAsync()
    {
        var os = await ReportAsync("api/reports/survival?endpoint=os");
        var neo = Arm(os, "neoadjuvant");
        Assert.Equal((6, 2), (neo.GetProperty("n").GetInt32(), neo.GetProperty("events").GetInt32()));
        var table = neo.GetProperty("table");
        Row(table, 0, 20, 6, 0, 1, 1.0);
        Row(table, 1, 45, 5, 1, 0, 0.8, 0.178885);
        Row(table, 2, 400, 4, 1, 0, 0.6, 0.219089);
        Assert.Equal(0.8, neo.GetProperty("landmarks")[0].GetProperty("survival").GetDouble(), 5);
        var surgery = Arm(os, "surgery_only");
        Assert.Equal((6, 0), (surgery.GetProperty("n").GetInt32(), surgery.GetProperty("events").GetInt32()));
        Assert.All(surgery.GetProperty("table").EnumerateArray(), r => Assert.Equal(1.0, r.GetProperty("survival").GetDouble()));
        Assert.Equal(2.195020747, os.GetProperty("logRank").GetProperty("chiSquare").GetDouble(), 6);
        Assert.Equal(0.1384573448, os.GetProperty("logRank").GetProperty("p").GetDouble(), 6);
    }

    private async Task SafetyMatchesAsync()
    {
        var safety = await ReportAsync("api/reports/safety");
        var neo = Arm(safety, "neoadjuvant");
        var grades = neo.GetProperty("worstGrade");
        Assert.Equal((3, 1, 1, 1, 0, 0), (grades.GetProperty("none").GetInt32(), grades.GetProperty("grade1").GetInt32(), grades.GetProperty("grade2").GetInt32(),
            grades.GetProperty("grade3").GetInt32(), grades.GetProperty("grade4").GetInt32(), grades.GetProperty("grade5").GetInt32()));
        Assert.Equal((6, 3, 1, 1), (neo.GetProperty("participants").GetInt32(), neo.GetProperty("adverseEvents").GetInt32(),
            neo.GetProperty("seriousAdverseEvents").GetInt32(), neo.GetProperty("participantsWithSeriousAdverseEvent").GetInt32()));
        var top = neo.GetProperty("mostFrequentTerms")[0];
        Assert.Equal(("Nausea", 2, 2), (top.GetProperty("term").GetString(), top.GetProperty("participants").GetInt32(), top.GetProperty("events").GetInt32()));
        var surgery = Arm(safety, "surgery_only");
        Assert.Equal((5, 1, 1, 0), (surgery.GetProperty("worstGrade").GetProperty("none").GetInt32(), surgery.GetProperty("worstGrade").GetProperty("grade2").GetInt32(),
            surgery.GetProperty("adverseEvents").GetInt32(), surgery.GetProperty("seriousAdverseEvents").GetInt32()));

        // Tolerance by hand: started 3+3+3+3+1+2 = 15 cycles; delayed N3's C1 (+3) and C2 (+7), so the median delay
        // over 15 cycles is 0; dose reduced N3 C2 and N6 C2; all three completed by N1–N4; last cycle to surgery
        // 35, 41, 36, 36 days → median 36; N6 stopped for toxicity; no surgery after an incomplete course.
        var tolerance = safety.GetProperty("neoadjuvantTolerance");
        Assert.Equal((6, 3, 4, 15, 2), (tolerance.GetProperty("participants").GetInt32(), tolerance.GetProperty("cyclesPlanned").GetInt32(),
            tolerance.GetProperty("completedAllCycles").GetInt32(), tolerance.GetProperty("cyclesStarted").GetInt32(), tolerance.GetProperty("cyclesDelayed").GetInt32()));
        Assert.Equal((0.0, 2, 2, 36.0, 0), (tolerance.GetProperty("medianDelayDays").GetDouble(), tolerance.GetProperty("participantsWithDoseReduction").GetInt32(),
            tolerance.GetProperty("cyclesWithDoseReduction").GetInt32(), tolerance.GetProperty("medianDaysLastCycleToSurgery").GetDouble(),
            tolerance.GetProperty("stopReasonsMissing").GetInt32()));
        var stop = tolerance.GetProperty("stopReasons").EnumerateArray().Single();
        Assert.Equal(("toxicity", 1), (stop.GetProperty("reason").GetString(), stop.GetProperty("participants").GetInt32()));
    }

    private async Task EnrollmentMatchesAsync()
    {
        var enrollment = await ReportAsync("api/reports/enrollment");
        Assert.Equal(12, enrollment.GetProperty("allocated").GetInt32());
        (int, int, int) Site(string id)
        {
            var site = enrollment.GetProperty("bySite").EnumerateArray().Single(s => s.GetProperty("key").GetString() == id);
            var arms = site.GetProperty("byArm").EnumerateArray().ToDictionary(a => a.GetProperty("arm").GetString()!, a => a.GetProperty("n").GetInt32());
            return (site.GetProperty("total").GetInt32(), arms["neoadjuvant"], arms["surgery_only"]);
        }
        Assert.Equal((6, 3, 3), Site("PKUIH"));
        Assert.Equal((3, 1, 2), Site("BFH"));
        Assert.Equal((3, 2, 1), Site("FUSCC"));
        Assert.All(enrollment.GetProperty("byStratum").EnumerateArray().Where(s => s.GetProperty("total").GetInt32() > 0),
            s => Assert.Equal(6, s.GetProperty("total").GetInt32()));
        // Ages from the screening submissions: neoadjuvant 50, 52, 54, 40, 42, 48; surgery only 56, 58, 60, 44, 46, 62.
        var age = enrollment.GetProperty("balance").GetProperty("ageYears").GetProperty("arms").EnumerateArray()
            .ToDictionary(a => a.GetProperty("arm").GetString()!, a => a.GetProperty("mean").GetDouble());
        Assert.Equal(286.0 / 6, age["neoadjuvant"], 6);
        Assert.Equal(326.0 / 6, age["surgery_only"], 6);
    }

    private async Task AdtteMatchesAsync(string[] neo, string[] surgeryOnly)
    {
        var (response, csv) = await GetAsync("api/exports/adtte.csv");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
            Assert.True(response.Headers.CacheControl!.NoStore);
            Assert.Equal("2028-08-26T01:00:00Z", response.Headers.GetValues("X-Data-Cut-At").Single());
            Assert.Equal("NATARS-1.0", response.Headers.GetValues("X-Protocol-Version").Single());
        }
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("USUBJID,ARM,PARAMCD,AVAL,CNSR,STARTDT,ADT,EVNTDESC,CNSDTDSC", lines[0]);
        Assert.Equal(25, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[2]), f => (Aval: int.Parse(f[3]), Cnsr: int.Parse(f[4]), Event: f[7]));
        (int, int, string)[] neoPfs = [(540, 1, ""), (90, 0, "R2 RESECTION"), (270, 0, "LOCAL RECURRENCE"), (365, 0, "DISTANT METASTASIS"), (14, 1, ""), (45, 0, "DEATH")];
        (int, int, string)[] surgeryPfs = [(540, 1, ""), (200, 0, "LOCAL RECURRENCE"), (365, 0, "DISTANT METASTASIS"), (365, 1, ""), (10, 0, "PROGRESSION (RECIST 1.1)"), (270, 1, "")];
        int[] neoOs = [540, 400, 560, 500, 20, 45];
        int[] surgeryOs = [540, 550, 580, 365, 500, 270];
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(neoPfs[i], (rows[(neo[i], "PFS")].Aval, rows[(neo[i], "PFS")].Cnsr, rows[(neo[i], "PFS")].Event));
            Assert.Equal(surgeryPfs[i], (rows[(surgeryOnly[i], "PFS")].Aval, rows[(surgeryOnly[i], "PFS")].Cnsr, rows[(surgeryOnly[i], "PFS")].Event));
            Assert.Equal(neoOs[i], rows[(neo[i], "OS")].Aval);
            Assert.Equal(surgeryOs[i], rows[(surgeryOnly[i], "OS")].Aval);
            Assert.Equal(i is 1 or 5 ? 0 : 1, rows[(neo[i], "OS")].Cnsr);
            Assert.Equal(1, rows[(surgeryOnly[i], "OS")].Cnsr);
        }

        // The download is in the audit trail.
        var (audit, trail) = await GetAsync("api/audit?entity=export", Role.Auditor);
        using (audit)
        {
            Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
            Assert.Contains("\"export.downloaded\"", trail, StringComparison.Ordinal);
            Assert.Contains("adtte.csv@2028-08-26T01:00:00Z", trail, StringComparison.Ordinal);
        }
    }

    private async Task DiagramsAreSvgAsync()
    {
        foreach (var path in new[] { "api/reports/consort.svg", "api/reports/survival.svg?endpoint=pfs", "api/reports/survival.svg?endpoint=os" })
        {
            var (response, svg) = await GetAsync(path);
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
            }
            Assert.Empty(RpsServerless.Core.Reports.SvgCheck.Problems(svg));
        }
        var (bad, _) = await GetAsync("api/reports/survival?endpoint=dfs");
        using (bad) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
