using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Cli.Tests;

public sealed class AllocationCommandTests : IDisposable
{
    private const string SeedHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private readonly string _directory = Directory.CreateTempSubdirectory("rps-allocation-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string SeedFile(string content)
    {
        var path = Path.Combine(_directory, $"seed-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = RpsCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void List_PrintsTheSequenceTheAllocatorHandsOut()
    {
        var (exit, output, _) = Run("allocation", "list", "--seed-file", SeedFile(SeedHex + "\n"), "--protocol", "NATARS-1.0", "--stratum", "LMS", "--count", "60");

        Assert.Equal(0, exit);
        var rows = output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length == 5 && int.TryParse(c[0], out _)).ToList();
        var expected = PermutedBlocks.Sequence(ProtocolCatalog.Get(), AllocationSeed.Parse(SeedHex), "LMS").Take(60);
        Assert.Equal(expected.Select(s => $"{s.SequenceNumber} {s.BlockNumber} {s.BlockSize} {s.PositionInBlock} {s.Arm}"), rows.Select(c => string.Join(' ', c)));
        Assert.StartsWith("CONCEALED", output);
    }

    [Fact]
    public void ListAsJson_CarriesTheSlots()
    {
        var (exit, output, _) = Run("allocation", "list", "--seed-file", SeedFile(SeedHex), "--stratum", "SFT", "--count", "5", "--format", "json");

        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(5, json.RootElement.GetProperty("slots").GetArrayLength());
        Assert.Equal("SFT", json.RootElement.GetProperty("stratum").GetString());
    }

    [Fact]
    public void Commitment_PrintsTheSha256Commitment()
    {
        var (exit, output, _) = Run("allocation", "commitment", "--seed-file", SeedFile(SeedHex), "--protocol", "NATARS-1.0");

        Assert.Equal(0, exit);
        Assert.Equal("44517cac5e1e292117e73fb62f66c24952dcfa428ada640f8c41e7afda7c501e", output.Trim());
    }

    [Fact]
    public void Simulate_ReportsImbalancePredictabilityAndTheSeedToRepeatIt()
    {
        var (exit, output, _) = Run("allocation", "simulate", "--protocol", "NATARS-1.0", "--participants", "102", "--runs", "200", "--seed", "7");

        Assert.Equal(0, exit);
        Assert.Contains("Repeat with --seed 7", output);
        foreach (var group in new[] { "DDLPS", "LMS", "UPS", "SFT", "overall", "PKUIH" }) Assert.Contains(group, output);
        Assert.Contains("Deterministic assignments", output);
        Assert.Contains("the arm behind in this stratum", output);
    }

    [Fact]
    public void Simulate_WithTheSameSeed_PrintsTheSameNumbers()
    {
        string Numbers() => string.Join('\n', Run("allocation", "simulate", "--runs", "100", "--seed", "3", "--method", "minimisation")
            .Output.Split('\n').Where(l => !l.StartsWith("Elapsed", StringComparison.Ordinal)));

        Assert.Equal(Numbers(), Numbers());
    }

    [Theory]
    [InlineData("allocation", "simulate", "--method", "assigned")]
    [InlineData("allocation", "simulate", "--method", "coin")]
    [InlineData("allocation", "simulate", "--seed", "-1")]
    [InlineData("allocation", "simulate", "--strata", "WDLPS=1")]
    [InlineData("allocation", "simulate", "--format", "xml")]
    [InlineData("allocation", "list", "--stratum", "DDLPS")]
    [InlineData("allocation", "commitment", "--protocol", "NATARS-1.0")]
    [InlineData("allocation", "commitment", "--seed-file", "/nonexistent/seed.txt")]
    [InlineData("allocation", "commitment", "--seed-file", "x", "--protocol", "NATARS-9.9")]
    public void BadUsage_ExitsTwo(params string[] args) => Assert.Equal(2, Run(args).Exit);

    [Fact]
    public void ListOfAnUnknownStratum_ExitsTwoNamingTheStrata()
    {
        var (exit, _, error) = Run("allocation", "list", "--seed-file", SeedFile(SeedHex), "--stratum", "WDLPS");

        Assert.Equal(2, exit);
        Assert.Contains("DDLPS, LMS, UPS, SFT", error);
    }

    [Fact]
    public void ShortSeedFile_ExitsTwoWithoutPrintingTheSeed()
    {
        var (exit, output, error) = Run("allocation", "commitment", "--seed-file", SeedFile(SeedHex[..40]));

        Assert.Equal(2, exit);
        Assert.Contains("20 bytes", error);
        Assert.DoesNotContain(SeedHex[..16], output + error);
    }
}
