using RpsServerless.Core.Audit;

namespace RpsServerless.Cli.Tests;

public class AuditVerifyCommandTests
{
    private static string Export(Func<List<AuditRecord>, List<AuditRecord>>? tamper = null)
    {
        var records = new List<AuditRecord>();
        var head = AuditHead.Empty;
        for (var i = 1; i <= 5; i++)
        {
            var record = AuditChain.Append(head, new AuditEntry(DateTimeOffset.UnixEpoch.AddDays(i), "u", "auditor", "audit.exported", "audit_trail", "export"));
            records.Add(record);
            head = new AuditHead(record.Sequence, record.Hash);
        }
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, [AuditExport.Header(head, DateTimeOffset.UnixEpoch), .. (tamper?.Invoke(records) ?? records).Select(AuditExport.Line)]);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (RpsCli.Run(args, output, error), output.ToString(), error.ToString());
    }

    [Fact]
    public void IntactExport_ExitsZero()
    {
        var (exit, output, _) = Run("audit", "verify", "--input", Export());
        Assert.Equal(0, exit);
        Assert.StartsWith("intact: 5 records", output);
    }

    [Fact]
    public void AlteredRecord_ExitsTwoNamingIt()
    {
        var (exit, output, _) = Run("audit", "verify", "--input", Export(r => { r[2] = r[2] with { ActorId = "x" }; return r; }));
        Assert.Equal(2, exit);
        Assert.StartsWith("BROKEN at record 3 (line 4): altered.", output);
    }

    [Fact]
    public void DeletedRecord_ExitsTwoNamingTheGap()
    {
        var (exit, output, _) = Run("audit", "verify", "--input", Export(r => { r.RemoveAt(1); return r; }), "--format", "json");
        Assert.Equal(2, exit);
        Assert.Contains("\"kind\":\"missing\"", output);
        Assert.Contains("\"sequence\":3", output);
    }

    [Fact]
    public void NotAnExport_ExitsTwo()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "USUBJID,ARM\n");
        var (exit, _, error) = Run("audit", "verify", "--input", path);
        Assert.Equal(2, exit);
        Assert.Contains("header", error);
    }
}
