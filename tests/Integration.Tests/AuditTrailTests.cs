using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using RpsServerless.Cli;
using RpsServerless.Core.Audit;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Integration.Tests;

/// <summary>The audit trail in real Azurite: concurrent appends, and tampering found by <c>rps audit verify</c>.</summary>
[Collection(StorageCollection.Name)]
public class AuditTrailTests(StorageFixture storage)
{
    private IAuditTrail Trail => storage.DevHost.Services.GetRequiredService<IAuditTrail>();

    private TableClient Table => new(storage.ConnectionString, TableNames.AuditTrail);

    private static AuditActor Actor => new("it-user", "coordinator", "it-request");

    private Task<AuditRecord> Record(string entityId, string? eventKey = null) =>
        Trail.RecordAsync(Actor, new AuditChange(AuditActions.ScreeningCreated, "screening", entityId)
        {
            SiteId = "PKUIH",
            After = new { screeningId = entityId, outcome = "eligible" },
            ProtocolVersion = "NATARS-1.0",
            EventKey = eventKey,
        }, CancellationToken.None);

    private async Task<string> ExportToFileAsync()
    {
        using var response = await storage.Http.SendAsync(storage.Request(HttpMethod.Get, "api/audit/export", Role.Auditor));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(AuditExport.MediaType, response.Content.Headers.ContentType!.ToString());
        var path = Path.Combine(Path.GetTempPath(), "rps-audit-" + Guid.NewGuid().ToString("N") + ".jsonl");
        await File.WriteAllTextAsync(path, await response.Content.ReadAsStringAsync());
        return path;
    }

    private static (int Exit, string Output) Verify(string path)
    {
        var output = new StringWriter();
        var exit = RpsCli.Run(["audit", "verify", "--input", path], output, new StringWriter());
        File.Delete(path);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task ConcurrentAppends_FormOneGaplessChain()
    {
        var before = await Trail.ReadHeadAsync(CancellationToken.None);
        var records = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Record($"scr_conc_{i}")));
        var sequences = records.Select(r => r.Sequence).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => before.Sequence + 1 + i), sequences);

        var head = await Trail.ReadHeadAsync(CancellationToken.None);
        var chain = await Trail.ReadChainAsync(head.Sequence, CancellationToken.None).ToListAsync();
        Assert.True(AuditChain.Verify(chain, head).IsIntact);
    }

    [Fact]
    public async Task ConcurrentAppendsFromTwoInstances_WithTheSameEventKeys_FormOneChain_EachEventOnce()
    {
        // A second TableAuditTrail over the same table is another Function App instance: the two only meet at the
        // head's ETag. Half the events are sent by both instances: each must be recorded exactly once.
        var services = storage.DevHost.Services;
        var other = ActivatorUtilities.CreateInstance<TableAuditTrail>(services);
        var run = Guid.NewGuid().ToString("N");
        var before = await Trail.ReadHeadAsync(CancellationToken.None);
        Task<AuditRecord> Append(IAuditTrail trail, int i) =>
            trail.RecordAsync(Actor, new AuditChange(AuditActions.ScreeningCreated, "screening", $"scr_two_{i}")
            {
                SiteId = "PKUIH",
                ProtocolVersion = "NATARS-1.0",
                EventKey = $"two:{run}:{i}",
            }, CancellationToken.None);

        var records = await Task.WhenAll(Enumerable.Range(0, 30).SelectMany(i => i % 2 == 0
            ? new[] { Append(Trail, i), Append(other, i) }
            : new[] { Append(i % 3 == 0 ? other : Trail, i) }));

        Assert.Equal(30, records.Select(r => r.Sequence).Distinct().Count());
        var head = await Trail.ReadHeadAsync(CancellationToken.None);
        Assert.Equal(before.Sequence + 30, head.Sequence);
        var chain = await Trail.ReadChainAsync(head.Sequence, CancellationToken.None).ToListAsync();
        Assert.True(AuditChain.Verify(chain, head).IsIntact);
    }

    [Fact]
    public async Task AnInstanceWhoseRememberedHeadIsStale_ChainsAfterTheOtherInstancesRecords()
    {
        // Each instance remembers the head it last wrote and chains its next record onto it without a read. After the
        // other instance has appended, that memory is stale: the ETag check must refuse it and the record go after theirs.
        var first = ActivatorUtilities.CreateInstance<TableAuditTrail>(storage.DevHost.Services);
        var second = ActivatorUtilities.CreateInstance<TableAuditTrail>(storage.DevHost.Services);
        Task<AuditRecord> Append(IAuditTrail trail, string id) =>
            trail.RecordAsync(Actor, new AuditChange(AuditActions.ScreeningCreated, "screening", id) { SiteId = "PKUIH" }, CancellationToken.None);

        var a = await Append(first, "scr_stale_a");
        var b = await Append(second, "scr_stale_b");
        var c = await Append(second, "scr_stale_c");
        var d = await Append(first, "scr_stale_d");

        // (Other work of the devhost may append in between, so the sequences are ordered, not necessarily adjacent.)
        Assert.True(a.Sequence < b.Sequence && b.Sequence < c.Sequence && c.Sequence < d.Sequence);
        var head = await Trail.ReadHeadAsync(CancellationToken.None);
        var chain = await Trail.ReadChainAsync(head.Sequence, CancellationToken.None).ToListAsync();
        Assert.True(AuditChain.Verify(chain, head).IsIntact);
        Assert.Equal(chain.Single(r => r.Sequence == d.Sequence - 1).Hash, d.PreviousHash);
        Assert.Equal(d.Hash, chain.Single(r => r.Sequence == d.Sequence).Hash);
    }

    [Fact]
    public async Task SameEventKey_IsRecordedOnce()
    {
        var key = "screening.created:scr_once_" + Guid.NewGuid().ToString("N");
        var first = await Record("scr_once", key);
        var again = await Record("scr_once", key);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal(first.Hash, again.Hash);
    }

    [Fact]
    public async Task IntactTrail_ExportsAndVerifies_AndTheExportIsItselfAudited()
    {
        await Record("scr_intact");
        var (exit, output) = Verify(await ExportToFileAsync());
        Assert.True(exit == 0, output);
        var page = await Trail.ListAsync(new AuditQuery("audit_trail", "export", 0, 500), CancellationToken.None);
        Assert.Contains(page.Records, r => r.Action == AuditActions.AuditExported);
    }

    [Fact]
    public async Task RecordAlteredInStorage_IsNamedByRpsAuditVerify()
    {
        var target = await Record("scr_tamper_target");
        await Record("scr_after_target");
        var original = (await Table.GetEntityAsync<TableEntity>(TableAuditTrail.Partition, TableAuditTrail.RecordRow(target.Sequence))).Value;
        var altered = new TableEntity(original) { ["EntityId"] = "scr_someone_else" };
        await Table.UpdateEntityAsync(altered, ETag.All, TableUpdateMode.Replace);
        try
        {
            var (exit, output) = Verify(await ExportToFileAsync());
            Assert.Equal(2, exit);
            Assert.StartsWith($"BROKEN at record {target.Sequence} ", output);
            Assert.Contains("altered", output);
        }
        finally
        {
            await Table.UpdateEntityAsync(original, ETag.All, TableUpdateMode.Replace);
        }
        Assert.Equal(0, Verify(await ExportToFileAsync()).Exit);
    }

    [Fact]
    public async Task RecordDeletedFromStorage_IsNamedByRpsAuditVerify()
    {
        var target = await Record("scr_delete_target");
        await Record("scr_after_deleted");
        var original = (await Table.GetEntityAsync<TableEntity>(TableAuditTrail.Partition, TableAuditTrail.RecordRow(target.Sequence))).Value;
        await Table.DeleteEntityAsync(original.PartitionKey, original.RowKey);
        try
        {
            var (exit, output) = Verify(await ExportToFileAsync());
            Assert.Equal(2, exit);
            Assert.StartsWith($"BROKEN at record {target.Sequence + 1} ", output);
            Assert.Contains($"Record {target.Sequence} is missing", output);
        }
        finally
        {
            await Table.AddEntityAsync(original);
        }
    }

    [Fact]
    public async Task AuditList_FiltersByEntity_AndPages()
    {
        var id = "scr_list_" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++) await Record(id);
        using var first = await storage.Http.SendAsync(storage.Request(HttpMethod.Get, $"api/audit?entity=screening/{id}&pageSize=2", Role.Auditor));
        var page = System.Text.Json.JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, page.GetProperty("records").GetArrayLength());
        var token = page.GetProperty("continuationToken").GetString();
        using var second = await storage.Http.SendAsync(storage.Request(HttpMethod.Get,
            $"api/audit?entity=screening/{id}&pageSize=2&continuationToken={token}", Role.Auditor));
        var next = System.Text.Json.JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, next.GetProperty("records").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, next.GetProperty("continuationToken").ValueKind);

        using var bad = await storage.Http.SendAsync(storage.Request(HttpMethod.Get, "api/audit?continuationToken=abc", Role.Auditor));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
