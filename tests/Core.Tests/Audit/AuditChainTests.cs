using System.Text;
using System.Text.Json;
using RpsServerless.Core.Audit;

namespace RpsServerless.Core.Tests.Audit;

public class AuditChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    private static AuditEntry Entry(int i, string? reason = null) => new(T0.AddSeconds(i), "user-" + i % 3, "coordinator",
        "screening.created", "screening", "scr_" + i, "PKUIH", null, new string('a', 64), reason, "req-" + i, "NATARS-1.0");

    internal static List<AuditRecord> Chain(int count)
    {
        var records = new List<AuditRecord>();
        var head = AuditHead.Empty;
        for (var i = 1; i <= count; i++)
        {
            var record = AuditChain.Append(head, Entry(i));
            records.Add(record);
            head = new AuditHead(record.Sequence, record.Hash);
        }
        return records;
    }

    private static AuditHead HeadOf(List<AuditRecord> records) => new(records[^1].Sequence, records[^1].Hash);

    [Fact]
    public void CanonicalBytes_AreExactlyAsDocumented()
    {
        var record = AuditChain.Append(AuditHead.Empty, new AuditEntry(T0, "u\"1", "auditor", "audit.exported", "audit_trail", "export",
            Reason: "line\nbreak \\ é"));
        var expected = "{\"sequence\":1,\"recordedAt\":\"2026-11-29T08:00:00.0000000Z\",\"actorId\":\"u\\\"1\",\"actorRole\":\"auditor\"," +
                       "\"action\":\"audit.exported\",\"entityType\":\"audit_trail\",\"entityId\":\"export\",\"siteId\":null," +
                       "\"beforeHash\":null,\"afterHash\":null,\"reason\":\"line\\u000abreak \\\\ é\",\"requestId\":null," +
                       "\"protocolVersion\":null,\"previousHash\":\"" + new string('0', 64) + "\"}";
        Assert.Equal(expected, Encoding.UTF8.GetString(AuditChain.CanonicalBytes(record)));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(expected))), record.Hash);
    }

    [Fact]
    public void StateHash_IgnoresMemberOrderAndWhitespace_ButNotValues()
    {
        var a = JsonDocument.Parse("""{ "b": [1, 2.50, "x"], "a": {"z": null, "y": true} }""").RootElement;
        var b = JsonDocument.Parse("""{"a":{"y":true,"z":null},"b":[1,2.50,"x"]}""").RootElement;
        var c = JsonDocument.Parse("""{"a":{"y":false,"z":null},"b":[1,2.50,"x"]}""").RootElement;
        Assert.Equal("""{"a":{"y":true,"z":null},"b":[1,2.50,"x"]}""", Encoding.UTF8.GetString(CanonicalJson.Bytes(a)));
        Assert.Equal(CanonicalJson.Sha256(a), CanonicalJson.Sha256(b));
        Assert.NotEqual(CanonicalJson.Sha256(a), CanonicalJson.Sha256(c));
    }

    [Fact]
    public void IntactChain_Verifies_WithItsHead()
    {
        var records = Chain(10);
        Assert.Equal(AuditChain.GenesisHash, records[0].PreviousHash);
        Assert.All(records.Skip(1), (r, i) => Assert.Equal(records[i].Hash, r.PreviousHash));
        var result = AuditChain.Verify(records, HeadOf(records));
        Assert.True(result.IsIntact);
        Assert.Equal(10, result.RecordCount);
    }

    [Fact]
    public void EditedRecord_IsNamedAsAltered()
    {
        var records = Chain(10);
        records[4] = records[4] with { EntityId = "scr_other" };
        var broken = AuditChain.Verify(records, HeadOf(records)).Break!;
        Assert.Equal((AuditBreakKind.Altered, 5L, 5), (broken.Kind, broken.Sequence, broken.Position));
    }

    [Fact]
    public void RecordRewrittenWithARecomputedHash_IsNamedAsAltered()
    {
        var records = Chain(10);
        var forged = records[4] with { Reason = "backdated" };
        records[4] = forged with { Hash = AuditChain.ComputeHash(forged) };
        var broken = AuditChain.Verify(records, HeadOf(records)).Break!;
        Assert.Equal((AuditBreakKind.Altered, 5L), (broken.Kind, broken.Sequence));
    }

    [Fact]
    public void LastRecordRewrittenWithARecomputedHash_IsCaughtByTheHead()
    {
        var records = Chain(5);
        var head = HeadOf(records);
        var forged = records[4] with { ActorId = "someone-else" };
        records[4] = forged with { Hash = AuditChain.ComputeHash(forged) };
        Assert.True(AuditChain.Verify(records).IsIntact); // without the head the tail cannot be checked …
        var broken = AuditChain.Verify(records, head).Break!; // … with it, it can
        Assert.Equal((AuditBreakKind.Altered, 5L), (broken.Kind, broken.Sequence));
    }

    [Fact]
    public void DeletedRecord_IsNamedAsMissing()
    {
        var records = Chain(10);
        records.RemoveAt(6);
        var broken = AuditChain.Verify(records, HeadOf(records)).Break!;
        Assert.Equal(AuditBreakKind.Missing, broken.Kind);
        Assert.Equal(8, broken.Sequence);
        Assert.Contains("Record 7 is missing", broken.Message);
    }

    [Fact]
    public void DeletedLastRecords_AreMissingAgainstTheHead()
    {
        var records = Chain(10);
        var head = HeadOf(records);
        records.RemoveRange(8, 2);
        var broken = AuditChain.Verify(records, head).Break!;
        Assert.Equal((AuditBreakKind.Missing, 9L), (broken.Kind, broken.Sequence));
    }

    [Fact]
    public void SwappedRecords_AreNamedAsReordered()
    {
        var records = Chain(10);
        (records[3], records[4]) = (records[4], records[3]);
        var broken = AuditChain.Verify(records, HeadOf(records)).Break!;
        Assert.Equal((AuditBreakKind.Reordered, 5L, 4), (broken.Kind, broken.Sequence, broken.Position));
    }

    [Fact]
    public void DuplicateSequence_IsNamedAsInserted()
    {
        var records = Chain(10);
        var extra = AuditChain.Append(new AuditHead(4, records[3].Hash), Entry(99));
        records.Insert(5, extra);
        var broken = AuditChain.Verify(records).Break!;
        Assert.Equal((AuditBreakKind.Inserted, 5L, 6), (broken.Kind, broken.Sequence, broken.Position));
    }

    [Fact]
    public void RecordInsertedAndTheRestRenumbered_IsNamedAsInserted()
    {
        var records = Chain(6);
        // Insert a well-formed record after record 3 and renumber (and re-hash) the later ones, keeping their links.
        var inserted = AuditChain.Append(new AuditHead(3, records[2].Hash), Entry(42));
        var tampered = records.Take(3).Append(inserted).ToList();
        foreach (var later in records.Skip(3))
        {
            var moved = later with { Sequence = later.Sequence + 1 };
            tampered.Add(moved with { Hash = AuditChain.ComputeHash(moved) });
        }
        var broken = AuditChain.Verify(tampered).Break!;
        Assert.Equal((AuditBreakKind.Inserted, 4L), (broken.Kind, broken.Sequence));
    }

    [Fact]
    public void EntriesThatCannotBeRecorded_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => AuditChain.Append(AuditHead.Empty, Entry(1) with { ActorId = "" }));
        Assert.Throws<ArgumentException>(() => AuditChain.Append(AuditHead.Empty, Entry(1) with { RecordedAt = T0.ToOffset(TimeSpan.FromHours(8)) }));
        Assert.Throws<ArgumentException>(() => AuditChain.Append(AuditHead.Empty, Entry(1) with { Reason = "\ud800" }));
        Assert.Throws<ArgumentException>(() => AuditChain.Append(AuditHead.Empty, Entry(1) with { AfterHash = "XYZ" }));
    }

    [Fact]
    public void Export_RoundTrips_AndAnEditedLineIsNamed()
    {
        var records = Chain(4);
        var lines = new List<string> { AuditExport.Header(HeadOf(records), T0) };
        lines.AddRange(records.Select(AuditExport.Line));
        Assert.True(AuditExport.Verify(lines, out var error).IsIntact);
        Assert.Null(error);

        lines[2] = lines[2].Replace("\"scr_2\"", "\"scr_9\"", StringComparison.Ordinal);
        var broken = AuditExport.Verify(lines, out _).Break!;
        Assert.Equal((AuditBreakKind.Altered, 2L), (broken.Kind, broken.Sequence));

        lines[2] = "{\"not\":\"a record\"}";
        Assert.Equal(AuditBreakKind.Altered, AuditExport.Verify(lines, out _).Break!.Kind);

        AuditExport.Verify(["{}"], out error);
        Assert.NotNull(error);
    }
}
