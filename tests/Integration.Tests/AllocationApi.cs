using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Integration.Tests;

/// <summary>Screening and allocation over HTTP against the devhost, and a look into the tables behind it.</summary>
internal sealed class AllocationApi(StorageFixture storage)
{
    /// <summary>
    /// The caller of these tests: a coordinator — the least-privileged role that submits, allocates and reads a
    /// site's data — of every trial site, since the tests spread their screenings over the sites.
    /// </summary>
    public static readonly string[] CoordinatorSites = ProtocolCatalog.Get().Sites.Select(s => s.Id).ToArray();

    private HttpRequestMessage Request(HttpMethod method, string path) => storage.Request(method, path, Role.Coordinator, CoordinatorSites);

    public sealed record Answer(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    /// <summary>The sample submission (eligible, DDLPS) at <paramref name="siteId"/>, screened on <paramref name="screenedOn"/>.</summary>
    public static string Submission(string siteId = "PKUIH", DateOnly? screenedOn = null)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "screening-submission.json")))!;
        // Two days back in UTC is in the past at every site, whatever the machine's date.
        var date = screenedOn ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
        node["siteId"] = siteId;
        node["screenedOn"] = date.ToString("yyyy-MM-dd");
        node["mdt"]!["reviewedOn"] = date.ToString("yyyy-MM-dd");
        return node.ToJsonString();
    }

    public async Task<Answer> PostAsync(string path, string? json)
    {
        using var request = Request(HttpMethod.Post, path);
        request.Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await storage.Http.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    public async Task<Answer> GetAsync(string path)
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await storage.Http.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    public async Task<string> SubmitEligibleAsync(string siteId = "PKUIH", DateOnly? screenedOn = null)
    {
        var answer = await PostAsync("api/screenings", Submission(siteId, screenedOn));
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal("eligible", answer.Json.GetProperty("outcome").GetString());
        return answer.Json.GetProperty("screeningId").GetString()!;
    }

    public Task<Answer> AllocateAsync(string screeningId) => PostAsync($"api/screenings/{screeningId}/allocation", null);

    private TableClient Table(string name) => new TableServiceClient(storage.ConnectionString).GetTableClient(name);

    public async Task<List<TableEntity>> RowsAsync(string table, string filter)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table(table).QueryAsync<TableEntity>(filter))
            rows.Add(row);
        return rows;
    }

    public async Task<int> NextAllocationNumberAsync()
    {
        var state = await Table(TableNames.Allocations).GetEntityIfExistsAsync<TableEntity>("trial", "state");
        return state.HasValue ? state.Value!.GetInt32("NextAllocationNumber")!.Value : 1;
    }

    public Task<List<TableEntity>> PendingMarkersAsync() =>
        RowsAsync(TableNames.Allocations, "PartitionKey eq 'trial' and RowKey ge 'pending|' and RowKey lt 'pending}'");

    /// <summary>Every participant row (<see cref="ParticipantRows"/>) in the allocation partition.</summary>
    public Task<List<TableEntity>> ParticipantRowsAsync(string? filter = null) =>
        RowsAsync(TableNames.Allocations,
            "PartitionKey eq 'trial' and RowKey ge 'participant|' and RowKey lt 'participant}'" + (filter is null ? "" : $" and {filter}"));

    public Task<List<TableEntity>> ParticipantsOfAsync(string screeningId) => ParticipantRowsAsync($"ScreeningId eq '{screeningId}'");

    public Task<List<TableEntity>> AllocationRecordsOfAsync(string screeningId) =>
        RowsAsync(TableNames.Allocations, $"PartitionKey eq 'trial' and RowKey eq '{screeningId}'");
}
