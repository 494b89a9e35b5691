using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Core.Audit;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Reports;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Screenings;
using RpsServerless.Functions.Tests.Allocation;
using RpsServerless.Functions.Tests.Outcomes;
using RpsServerless.Functions.Workflows.Reports;

namespace RpsServerless.Functions.Tests.Reports;

/// <summary>The report routes over in-memory stores: one allocated participant with a progression, one ineligible screening.</summary>
public class ReportRouteTests
{
    private const string ParticipantId = "NATARS-PKUIH-0001";
    private static readonly DateTimeOffset Now = new(2027, 6, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly RecordingAuditTrail _audit = new();
    private readonly Http.Reports _functions;

    public ReportRouteTests()
    {
        var protocol = ProtocolCatalog.Get();
        var screenings = new InMemoryScreeningStore();
        var screeningId = ScreeningIds.Format("01JF4000000000000000000000", "PKUIH");
        screenings.AddAsync(Screening(screeningId, EligibilityOutcome.Eligible, [], ParticipantId), default).Wait();
        screenings.AddAsync(Screening(ScreeningIds.Format("01JF4000000000000000000001", "PKUIH"), EligibilityOutcome.Ineligible,
            [new CriterionResult("I01", CriterionKind.Inclusion, CriterionStatus.Fail, "Age 80 is outside 18-75.")], null), default).Wait();
        var participants = new FakeParticipantDirectory().Add(OutcomeHarness.Participant(ParticipantId, "neoadjuvant") with { ScreeningId = screeningId });
        var assessments = new InMemoryAssessmentStore();
        assessments.Records.Add(new AssessmentRecord("asm_1", ParticipantId, "PKUIH",
            new DiseaseAssessment(OutcomeHarness.AllocatedOn.AddDays(60), AssessmentResult.Progression), Now.AddDays(-1)));
        var time = new FakeTimeProvider(Now);
        var load = new LoadDataCut(protocol, screenings, participants,
            new InMemoryParticipantHistory(new InMemoryScheduleStore(), new InMemoryParticipantStatusStore()),
            assessments, new NoAdverseEvents(), new InMemoryFinalPathologyStore(), time, NullLogger<LoadDataCut>.Instance);
        _functions = new Http.Reports(TestEndpoint.Create(new InMemoryIdempotencyStore()),
            new ReadConsortFlow(protocol, load, NullLogger<ReadConsortFlow>.Instance),
            new ReadSurvivalReport(load, NullLogger<ReadSurvivalReport>.Instance),
            new ReadSafetyReport(load, NullLogger<ReadSafetyReport>.Instance),
            new ReadEnrollmentReport(load, NullLogger<ReadEnrollmentReport>.Instance),
            new ExportAdtte(load, _audit, NullLogger<ExportAdtte>.Instance));
    }

    private static ScreeningRecord Screening(string id, EligibilityOutcome outcome, IReadOnlyList<CriterionResult> criteria, string? participantId) =>
        new(id, "PKUIH", "PKUIH-S-0001", OutcomeHarness.AllocatedOn, ProtocolCatalog.Current, Now.AddDays(-200),
            Encoding.UTF8.GetBytes("{}"), new StoredEvaluation(outcome, criteria, [], new DerivedValues("DDLPS", null, null)), participantId);

    private static async Task<TestHttp.Written> GetAsync(Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Http.IResult>> route, string path)
    {
        var (route_, query) = path.Split('?') is [var p, var q] ? (p, q) : (path, "");
        var request = TestHttp.Get(route_);
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query.Length == 0 ? "" : "?" + query);
        return await TestHttp.ExecuteAsync(await route(request), request);
    }

    [Theory]
    [InlineData("/api/reports/survival?endpoint=dfs")]
    [InlineData("/api/reports/survival?endpoint=PFS")]
    [InlineData("/api/reports/survival")]
    [InlineData("/api/reports/survival?endpoint=pfs&endpoint=os")]
    public async Task SurvivalForAnEndpointOtherThanPfsOrOs_Is400WithTheField(string path)
    {
        var written = await GetAsync(r => _functions.SurvivalReport(r, default), path);
        Assert.Equal(400, written.Status);
        Assert.StartsWith("application/problem+json", written.ContentType);
        Assert.True(written.Json.GetProperty("errors").TryGetProperty("endpoint", out _));
    }

    [Fact]
    public async Task SurvivalSvgForABadEndpoint_Is400Too()
    {
        var written = await GetAsync(r => _functions.SurvivalPlot(r, default), "/api/reports/survival.svg?endpoint=dfs");
        Assert.Equal(400, written.Status);
    }

    [Fact]
    public async Task SurvivalJson_StatesTheDataCutAndProtocol_AndIsNotCached()
    {
        var written = await GetAsync(r => _functions.SurvivalReport(r, default), "/api/reports/survival?endpoint=pfs");
        Assert.Equal(200, written.Status);
        Assert.StartsWith("application/json", written.ContentType);
        Assert.Equal("no-store", written.Headers.CacheControl.ToString());
        Assert.Equal("2027-06-01T02:00:00Z", written.Json.GetProperty("dataCutAt").GetString());
        Assert.Equal(ProtocolCatalog.Current, written.Json.GetProperty("protocolVersion").GetString());
        var neo = written.Json.GetProperty("arms").EnumerateArray().Single(a => a.GetProperty("arm").GetString() == "neoadjuvant");
        Assert.Equal((1, 1), (neo.GetProperty("n").GetInt32(), neo.GetProperty("events").GetInt32()));
    }

    [Theory]
    [InlineData("consort.svg")]
    [InlineData("survival.svg?endpoint=pfs")]
    [InlineData("survival.svg?endpoint=os")]
    public async Task Diagrams_AreValidSvg(string path)
    {
        var written = path.StartsWith("consort", StringComparison.Ordinal)
            ? await GetAsync(r => _functions.ConsortDiagram(r, default), "/api/reports/" + path)
            : await GetAsync(r => _functions.SurvivalPlot(r, default), "/api/reports/" + path);
        Assert.Equal(200, written.Status);
        Assert.StartsWith("image/svg+xml", written.ContentType);
        Assert.Equal("no-store", written.Headers.CacheControl.ToString());
        Assert.Equal("2027-06-01T02:00:00Z", written.Headers["X-Data-Cut-At"].ToString());
        Assert.Empty(SvgCheck.Problems(written.Body));
    }

    [Fact]
    public async Task Consort_CountsTheFlow_AndAnUnknownSiteIs400()
    {
        var all = await GetAsync(r => _functions.ConsortReport(r, default), "/api/reports/consort");
        Assert.Equal(200, all.Status);
        Assert.Equal((2, 1, 1), (all.Json.GetProperty("assessedForEligibility").GetInt32(), all.Json.GetProperty("allocated").GetInt32(),
            all.Json.GetProperty("notAllocated").GetProperty("ineligible").GetProperty("count").GetInt32()));
        Assert.DoesNotContain("PKUIH-S-", all.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("scr_", all.Body, StringComparison.Ordinal);

        var site = await GetAsync(r => _functions.ConsortReport(r, default), "/api/reports/consort?siteId=BFH");
        Assert.Equal((200, 0), (site.Status, site.Json.GetProperty("assessedForEligibility").GetInt32()));
        var unknown = await GetAsync(r => _functions.ConsortReport(r, default), "/api/reports/consort?siteId=NOPE");
        Assert.Equal(400, unknown.Status);
    }

    [Fact]
    public async Task SafetyAndEnrollment_AreJsonWithTheDataCut()
    {
        foreach (var written in new[]
                 {
                     await GetAsync(r => _functions.SafetyReport(r, default), "/api/reports/safety"),
                     await GetAsync(r => _functions.EnrollmentReport(r, default), "/api/reports/enrollment"),
                 })
        {
            Assert.Equal(200, written.Status);
            Assert.StartsWith("application/json", written.ContentType);
            Assert.Equal("2027-06-01T02:00:00Z", written.Json.GetProperty("dataCutAt").GetString());
            Assert.Equal(ProtocolCatalog.Current, written.Json.GetProperty("protocolVersion").GetString());
        }
    }

    [Fact]
    public async Task AdtteCsv_HasTheColumnsRpsSurvivalReads_AndTheDownloadIsAudited()
    {
        var written = await GetAsync(r => _functions.ExportAdtte(r, default), "/api/exports/adtte.csv");
        Assert.Equal(200, written.Status);
        Assert.StartsWith("text/csv", written.ContentType);
        Assert.Equal("no-store", written.Headers.CacheControl.ToString());
        var lines = written.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("USUBJID,ARM,PARAMCD,AVAL,CNSR,STARTDT,ADT,EVNTDESC,CNSDTDSC", lines[0]);
        Assert.Equal($"{ParticipantId},neoadjuvant,PFS,60,0,2027-01-04,2027-03-05,PROGRESSION (RECIST 1.1),", lines[1]);
        Assert.Equal(3, lines.Length);
        var change = Assert.Single(_audit.Changes);
        Assert.Equal((AuditActions.ExportDownloaded, "export"), (change.Action, change.EntityType));
        Assert.Equal(written.Body, change.After);
    }
}

internal sealed class NoAdverseEvents : IAdverseEventReader
{
    public Task<IReadOnlyList<AdverseEventHistory>> ListAsync(string participantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AdverseEventHistory>>([]);
}

internal sealed class RecordingAuditTrail : IAuditTrail
{
    public List<AuditChange> Changes { get; } = [];

    public Task<AuditRecord> RecordAsync(AuditActor actor, AuditChange change, CancellationToken cancellationToken)
    {
        Changes.Add(change);
        return Task.FromResult(new AuditRecord(Changes.Count, DateTimeOffset.UnixEpoch, actor.Id, actor.Role, change.Action, change.EntityType,
            change.EntityId, change.SiteId, null, null, change.Reason, actor.RequestId, change.ProtocolVersion, AuditChain.GenesisHash, AuditChain.GenesisHash));
    }

    public Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<AuditHead> ReadHeadAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<AuditRecord> ReadChainAsync(long upToSequence, CancellationToken cancellationToken) => throw new NotSupportedException();
}
