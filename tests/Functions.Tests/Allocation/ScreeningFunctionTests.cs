using System.Text.Json.Nodes;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Tests.Allocation;

public class ScreeningFunctionTests
{
    [Fact]
    public async Task EligibleSubmission_Is201WithLocation_AndTheApiMdResultBody()
    {
        using var harness = new AllocationHarness();
        var written = await harness.SubmitAsync(AllocationHarness.Submission());

        Assert.Equal(201, written.Status);
        var body = written.Json;
        var id = body.GetProperty("screeningId").GetString()!;
        Assert.True(ScreeningIds.TryParse(id, out _, out var site));
        Assert.Equal("PKUIH", site);
        Assert.Equal($"/api/screenings/{id}", written.Headers.Location.ToString());
        Assert.Equal(
            ["screeningId", "siteId", "screeningNumber", "protocolVersion", "outcome", "criteria", "warnings", "derived", "submittedAt", "submission", "participantId"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("NATARS-1.0", body.GetProperty("protocolVersion").GetString());
        Assert.Equal("eligible", body.GetProperty("outcome").GetString());
        Assert.Equal("DDLPS", body.GetProperty("derived").GetProperty("stratum").GetString());
        Assert.Equal("2026-11-29T08:00:00Z", body.GetProperty("submittedAt").GetString());
        Assert.Equal(58, body.GetProperty("submission").GetProperty("patient").GetProperty("ageYears").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("participantId").ValueKind);
        Assert.DoesNotContain(body.GetProperty("criteria").EnumerateArray(), c => c.GetProperty("id").GetString() == "E02");
        Assert.Single(harness.Screenings.All);
    }

    [Fact]
    public async Task MalformedFields_Are400WithTheirFieldPaths_AndNothingStored()
    {
        using var harness = new AllocationHarness();
        var written = await harness.SubmitAsync(AllocationHarness.Submission(s =>
        {
            s["patient"]!["ageYears"] = "fifty";
            s["tumor"]!["histology"] = "XYZ";
            s["patient"]!["name"] = "Li Lei";
        }));

        Assert.Equal(400, written.Status);
        var errors = written.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty("patient.ageYears", out _));
        Assert.True(errors.TryGetProperty("tumor.histology", out _));
        Assert.True(errors.TryGetProperty("patient.name", out _));
        Assert.Empty(harness.Screenings.All);
    }

    [Theory]
    [InlineData("siteId", "NOSUCHSITE")]
    [InlineData("screenedOn", "2026-11-31")]
    public async Task BadTopLevelValues_Are400AtTheirPath(string field, string value)
    {
        using var harness = new AllocationHarness();
        var written = await harness.SubmitAsync(AllocationHarness.Submission(s => s[field] = value));
        Assert.Equal(400, written.Status);
        Assert.True(written.Json.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ScreenedTomorrowAtTheSite_Is400_ButTodayThereIsFine()
    {
        using var harness = new AllocationHarness();
        // 2026-11-29T20:00Z is already 30 November in Shanghai (UTC+8).
        harness.Time.SetUtcNow(new DateTimeOffset(2026, 11, 29, 20, 0, 0, TimeSpan.Zero));
        var today = await harness.SubmitAsync(AllocationHarness.Submission(s => s["screenedOn"] = "2026-11-30"));
        Assert.Equal(201, today.Status);

        var tomorrow = await harness.SubmitAsync(AllocationHarness.Submission(s => s["screenedOn"] = "2026-12-01"));
        Assert.Equal(400, tomorrow.Status);
        Assert.Contains("future", tomorrow.Json.GetProperty("errors").GetProperty("screenedOn")[0].GetString());
    }

    [Fact]
    public async Task GetScreening_ReturnsTheStoredResult_And404ForUnknownOrMalformedIds()
    {
        using var harness = new AllocationHarness();
        var created = await harness.SubmitAsync(AllocationHarness.Submission());
        var id = created.Json.GetProperty("screeningId").GetString()!;

        var found = await harness.GetAsync(r => harness.ScreeningFunctions.GetScreening(r, id, CancellationToken.None), $"/api/screenings/{id}");
        Assert.Equal(200, found.Status);
        Assert.Equal(created.Body, found.Body);

        foreach (var unknown in new[] { ScreeningIds.Format("01JF4Q8M3ZK2V7R9T6W8Y0A1BC", "PKUIH"), "scr_nonsense", "../x", id.Replace("PKUIH", "BFH") })
        {
            var missing = await harness.GetAsync(r => harness.ScreeningFunctions.GetScreening(r, unknown, CancellationToken.None), "/api/screenings/x");
            Assert.Equal(404, missing.Status);
        }
    }

    [Fact]
    public async Task SiteLog_PagesInSubmissionOrder_WithFilters()
    {
        using var harness = new AllocationHarness();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var ageYears = i == 2 ? 80 : 58; // the third is ineligible (I01)
            var written = await harness.SubmitAsync(AllocationHarness.Submission(s => s["patient"]!["ageYears"] = ageYears));
            ids.Add(written.Json.GetProperty("screeningId").GetString()!);
        }
        await harness.SubmitAsync(AllocationHarness.Submission(s => s["siteId"] = "BFH"));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = "?pageSize=2" + (token is null ? "" : "&continuationToken=" + token);
            var page = await harness.GetAsync(r => harness.ScreeningFunctions.ListSiteScreenings(r, "PKUIH", CancellationToken.None), "/api/sites/PKUIH/screenings", query);
            Assert.Equal(200, page.Status);
            seen.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("screeningId").GetString()!));
            token = page.Json.GetProperty("continuationToken").GetString();
            pages++;
        } while (token is not null);
        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);

        var ineligible = await harness.GetAsync(r => harness.ScreeningFunctions.ListSiteScreenings(r, "PKUIH", CancellationToken.None),
            "/api/sites/PKUIH/screenings", "?outcome=ineligible&from=2026-11-01&to=2026-11-30");
        var item = Assert.Single(ineligible.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(ids[2], item.GetProperty("screeningId").GetString());
        Assert.Contains("I01", item.GetProperty("blockingCriteria").EnumerateArray().Select(c => c.GetString()));

        var none = await harness.GetAsync(r => harness.ScreeningFunctions.ListSiteScreenings(r, "PKUIH", CancellationToken.None),
            "/api/sites/PKUIH/screenings", "?to=2026-11-19");
        Assert.Empty(none.Json.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("?outcome=maybe", "outcome")]
    [InlineData("?from=29-11-2026", "from")]
    [InlineData("?from=2026-11-30&to=2026-11-01", "to")]
    [InlineData("?continuationToken=not-a-token!", "continuationToken")]
    [InlineData("?pageSize=0", "pageSize")]
    public async Task SiteLog_BadFilters_Are400AtTheParameter(string query, string parameter)
    {
        using var harness = new AllocationHarness();
        var written = await harness.GetAsync(r => harness.ScreeningFunctions.ListSiteScreenings(r, "PKUIH", CancellationToken.None),
            "/api/sites/PKUIH/screenings", query);
        Assert.Equal(400, written.Status);
        Assert.True(written.Json.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task SiteLog_UnknownSite_Is404()
    {
        using var harness = new AllocationHarness();
        var written = await harness.GetAsync(r => harness.ScreeningFunctions.ListSiteScreenings(r, "NOWHERE", CancellationToken.None), "/api/sites/NOWHERE/screenings");
        Assert.Equal(404, written.Status);
    }

    [Fact]
    public async Task ABodyWithAByteOrderMark_IsStoredAndReturnedAsTheSameDocument()
    {
        using var harness = new AllocationHarness();
        var written = await harness.SubmitAsync("\uFEFF" + AllocationHarness.Submission());
        Assert.Equal(201, written.Status);
        Assert.Equal("PKUIH", written.Json.GetProperty("submission").GetProperty("siteId").GetString());
    }

    [Fact]
    public void ScreeningIds_SortInGenerationOrder_EvenWithinOneMillisecond()
    {
        var generator = new ScreeningIds.Generator();
        var at = AllocationHarness.Now;
        var ids = Enumerable.Range(0, 1000).Select(i => generator.Next(at.AddMilliseconds(i / 100))).ToList();
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(ScreeningIds.IsUlid(id)));
    }
}
