using System.Net;
using System.Text.Json;

namespace RpsServerless.Integration.Tests;

/// <summary>Screening and allocation end to end: devhost over Azurite (shared with the other storage tests).</summary>
[Collection(StorageCollection.Name)]
public class ScreeningAllocationTests(StorageFixture storage)
{
    private readonly AllocationApi _api = new(storage);

    [Fact]
    public async Task Submit_Is201WithLocation_AndGetReturnsTheSameResult()
    {
        var created = await _api.PostAsync("api/screenings", AllocationApi.Submission());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Json.GetProperty("screeningId").GetString()!;
        Assert.Equal($"/api/screenings/{id}", created.Headers.Location!.ToString());

        var read = await _api.GetAsync(created.Headers.Location!.ToString().TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(created.Body, read.Body);

        var invalid = await _api.PostAsync("api/screenings", """{"siteId":"PKUIH","screenedOn":"2026-02-30"}""");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.True(invalid.Json.GetProperty("errors").TryGetProperty("screenedOn", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("api/screenings/scr_01JF4Q8M3ZK2V7R9T6W8Y0A1BC_PKUIH")).Status);
    }

    [Fact]
    public async Task SiteLog_PagesWithContinuationTokens_InSubmissionOrder()
    {
        // A screening date no other test uses picks out this test's screenings in the shared storage.
        var day = new DateOnly(2024, 1, 1).AddDays(Random.Shared.Next(0, 600));
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
            ids.Add(await _api.SubmitEligibleAsync("XJTU1", day));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = $"api/sites/XJTU1/screenings?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}&outcome=eligible&pageSize=3"
                        + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await _api.GetAsync(query);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("screeningId").GetString()!));
            token = page.Json.GetProperty("continuationToken").GetString();
            pages++;
        } while (token is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.GetAsync("api/sites/XJTU1/screenings?outcome=perhaps")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("api/sites/NOWHERE/screenings")).Status);
    }

    /// <summary>The participant rows share the allocation partition with every other site's: the site's key range,
    /// paged, gives exactly that site's participants in allocation order.</summary>
    [Fact]
    public async Task SiteParticipants_PageThroughTheSitesRowsOnly_InAllocationOrder()
    {
        var mine = new List<string>();
        foreach (var site in new[] { "QDUAH", "PKUIH", "QDUAH", "QDUAH", "FUSCC" })
        {
            var allocated = await _api.AllocateAsync(await _api.SubmitEligibleAsync(site));
            Assert.Equal(HttpStatusCode.Created, allocated.Status);
            if (site == "QDUAH") mine.Add(allocated.Json.GetProperty("participantId").GetString()!);
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await _api.GetAsync("api/sites/QDUAH/participants?pageSize=2"
                                           + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            listed.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("participantId").GetString()!));
            token = page.Json.GetProperty("continuationToken").GetString();
        } while (token is not null);

        // Other tests may have allocated at QDUAH before: all of the site's rows, in order, this test's last.
        Assert.All(listed, id => Assert.StartsWith("NATARS-QDUAH-", id, StringComparison.Ordinal));
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(mine, listed.TakeLast(3));
        Assert.Equal((await _api.ParticipantRowsAsync("SiteId eq 'QDUAH'")).Count, listed.Count);
    }

    [Fact]
    public async Task Allocate_Is201_Then200WithTheSameBody_AndTheParticipantIsReadable()
    {
        var screeningId = await _api.SubmitEligibleAsync("ZSH");
        var first = await _api.AllocateAsync(screeningId);
        var again = await _api.AllocateAsync(screeningId);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Body, again.Body);

        var participantId = first.Json.GetProperty("participantId").GetString()!;
        var participant = await _api.GetAsync($"api/participants/{participantId}");
        Assert.Equal(HttpStatusCode.OK, participant.Status);
        Assert.Equal(first.Json.GetProperty("arm").GetString(), participant.Json.GetProperty("arm").GetString());
        Assert.Equal(first.Json.GetProperty("allocationNumber").GetInt32(), participant.Json.GetProperty("allocationNumber").GetInt32());
        Assert.Equal(participantId, (await _api.GetAsync($"api/screenings/{screeningId}")).Json.GetProperty("participantId").GetString());

        var listed = await _api.GetAsync("api/sites/ZSH/participants?pageSize=100");
        Assert.Contains(listed.Json.GetProperty("items").EnumerateArray(), p => p.GetProperty("participantId").GetString() == participantId);
        Assert.Empty(await _api.PendingMarkersAsync());
    }

    [Fact]
    public async Task TwentyConcurrentRequestsForOneScreening_OneParticipant_TwentyIdenticalBodies()
    {
        var screeningId = await _api.SubmitEligibleAsync("QDUAH");
        var before = await _api.NextAllocationNumberAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _api.AllocateAsync(screeningId)));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Equal(19, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Single(await _api.ParticipantsOfAsync(screeningId));
        Assert.Single(await _api.AllocationRecordsOfAsync(screeningId));
        Assert.Equal(before + 1, await _api.NextAllocationNumberAsync());
    }

    [Fact]
    public async Task StorageStopped_RequestsAre503WithRetryAfter_NothingHalfWritten_AndRetriesCompleteAfterRestart()
    {
        var allocated = await _api.SubmitEligibleAsync("BFH");
        var first = await _api.AllocateAsync(allocated);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var waiting = new List<string>();
        for (var i = 0; i < 5; i++)
            waiting.Add(await _api.SubmitEligibleAsync("BFH"));
        var before = await _api.NextAllocationNumberAsync();
        // Azurite (LokiJS) writes its data to disk every 5 s and a killed emulator loses what came after; real storage
        // does not. Polling cannot observe that save, so this one wait lets the set-up above become durable.
        await Task.Delay(TimeSpan.FromSeconds(5.5));

        await storage.StopStorageAsync();
        try
        {
            var down = await Task.WhenAll(waiting.Append(allocated).Select(_api.AllocateAsync)
                .Append(_api.PostAsync("api/screenings", AllocationApi.Submission("BFH")))
                .Append(_api.GetAsync($"api/screenings/{allocated}")));
            Assert.All(down, answer =>
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
                Assert.NotNull(answer.Headers.RetryAfter);
                Assert.DoesNotContain("Exception", answer.Body);
            });
        }
        finally
        {
            await storage.RestartStorageAsync();
        }

        // Nothing half-written: no record, no participant, the state untouched for the screenings that were refused.
        Assert.Equal(before, await _api.NextAllocationNumberAsync());
        foreach (var screeningId in waiting)
        {
            Assert.Empty(await _api.AllocationRecordsOfAsync(screeningId));
            Assert.Empty(await _api.ParticipantsOfAsync(screeningId));
        }

        // Retried as a client would after Retry-After, until storage answers again.
        var retried = new Dictionary<string, AllocationApi.Answer>();
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var screeningId in waiting.Append(allocated).Where(id => !retried.ContainsKey(id)))
            {
                var answer = await _api.AllocateAsync(screeningId);
                if (answer.Status != HttpStatusCode.ServiceUnavailable)
                    retried[screeningId] = answer;
            }
            return retried.Count == waiting.Count + 1;
        }, TimeSpan.FromSeconds(60), "every allocation was answered after the restart");

        Assert.Equal(HttpStatusCode.OK, retried[allocated].Status);
        Assert.Equal(first.Body, retried[allocated].Body);
        Assert.All(waiting, id => Assert.Equal(HttpStatusCode.Created, retried[id].Status));
        Assert.Equal(Enumerable.Range(before, waiting.Count),
            waiting.Select(id => retried[id].Json.GetProperty("allocationNumber").GetInt32()).Order());
        foreach (var screeningId in waiting.Append(allocated))
        {
            Assert.Single(await _api.ParticipantsOfAsync(screeningId));
            Assert.Single(await _api.AllocationRecordsOfAsync(screeningId));
        }
        // The participant-events handler finishes the allocations the restarted storage let through.
        await Eventually.HoldsAsync(async () => (await _api.PendingMarkersAsync()).Count == 0, TimeSpan.FromSeconds(60),
            "every allocation finished");
    }
}
