using System.Text;
using System.Text.Json;

namespace RpsServerless.Cli.Tests;

public sealed class SurvivalCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rps-survival-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Miller 1981 AML maintenance data (R's survival::aml) as an ADTTE file: columns shuffled, an extra column, quoted
    // fields (one with a comma and doubled quotes), CRLF line ends and a UTF-8 byte order mark.
    private static string AmlAdtte()
    {
        var text = new StringBuilder("\uFEFFAVAL,\"ARM\",STUDYID,CNSR,PARAMCD,USUBJID\r\n");
        (double Time, int Status)[] maintained = [(9, 1), (13, 1), (13, 0), (18, 1), (23, 1), (28, 0), (31, 1), (34, 1), (45, 0), (48, 1), (161, 0)];
        (double Time, int Status)[] nonmaintained = [(5, 1), (5, 1), (8, 1), (8, 1), (12, 1), (16, 0), (23, 1), (27, 1), (30, 1), (33, 1), (43, 1), (45, 1)];
        var id = 0;
        foreach (var (time, status) in maintained)
            text.Append($"{time},Maintained,\"NATARS, \"\"pilot\"\"\",{1 - status},OS,S-{++id:000}\r\n");
        foreach (var (time, status) in nonmaintained)
            text.Append($"\"{time}\",\"Nonmaintained\",NATARS,\"{1 - status}\",OS,S-{++id:000}\r\n");
        return text.ToString();
    }

    [Fact]
    public void AmlData_PrintsWhatSurvfitAndSurvdiffPrint()
    {
        var (exit, output, error) = Run(AmlAdtte(), "--landmarks", "12,30");
        Assert.Equal((0, ""), (exit, error));
        using var json = JsonDocument.Parse(output);
        var arms = json.RootElement.GetProperty("arms");
        Assert.Equal("OS", json.RootElement.GetProperty("param").GetString());
        Assert.Equal(["Maintained", "Nonmaintained"], arms.EnumerateArray().Select(a => a.GetProperty("arm").GetString()));
        // R: survfit(Surv(time, status) ~ x, data = aml): medians 31 (18, NA) and 23 (8, NA);
        // summary(fit, times = 30): 0.613636363636364 and 0.291666666666667; survdiff chisq 3.3963886989776, p 0.0653393220405051.
        var maintainedArm = arms[0];
        Assert.Equal((11, 7), (maintainedArm.GetProperty("n").GetInt32(), maintainedArm.GetProperty("events").GetInt32()));
        Assert.Equal(31, maintainedArm.GetProperty("median").GetProperty("estimate").GetDouble());
        Assert.Equal(18, maintainedArm.GetProperty("median").GetProperty("lower").GetDouble());
        Assert.Equal(JsonValueKind.Null, maintainedArm.GetProperty("median").GetProperty("upper").ValueKind);
        Assert.InRange(maintainedArm.GetProperty("landmarks")[1].GetProperty("survival").GetDouble(), 0.613636363636364 - 1e-9, 0.613636363636364 + 1e-9);
        Assert.InRange(arms[1].GetProperty("landmarks")[1].GetProperty("survival").GetDouble(), 0.291666666666667 - 1e-9, 0.291666666666667 + 1e-9);
        var logRank = json.RootElement.GetProperty("logRank");
        Assert.InRange(logRank.GetProperty("chiSquare").GetDouble(), 3.3963886989776 - 1e-9, 3.3963886989776 + 1e-9);
        Assert.Equal(1, logRank.GetProperty("df").GetInt32());
        Assert.InRange(logRank.GetProperty("p").GetDouble(), 0.0653393220405051 - 1e-9, 0.0653393220405051 + 1e-9);
    }

    [Fact]
    public void JsonOutput_HasExactlyTheFieldNamesOfToolsMd()
    {
        var (_, output, _) = Run(AmlAdtte());
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["param", "arms", "logRank"], Names(root));
        var arm = root.GetProperty("arms")[0];
        Assert.Equal(["arm", "n", "events", "median", "table", "landmarks"], Names(arm));
        Assert.Equal(["estimate", "lower", "upper"], Names(arm.GetProperty("median")));
        Assert.Equal(["time", "atRisk", "events", "censored", "survival", "stdErr", "lower", "upper"], Names(arm.GetProperty("table")[0]));
        Assert.Equal(["time", "survival", "stdErr", "lower", "upper"], Names(arm.GetProperty("landmarks")[0]));
        Assert.Equal(["chiSquare", "df", "p"], Names(root.GetProperty("logRank")));
        Assert.Equal(JsonValueKind.Number, arm.GetProperty("table")[0].GetProperty("survival").ValueKind);
    }

    [Fact]
    public void DefaultLandmarks_AreTheProtocols365And1096Days()
    {
        var (_, output, _) = Run(AmlAdtte());
        using var json = JsonDocument.Parse(output);
        var landmarks = json.RootElement.GetProperty("arms")[0].GetProperty("landmarks");
        Assert.Equal([365.0, 1096.0], landmarks.EnumerateArray().Select(l => l.GetProperty("time").GetDouble()));
        // Both fall after the last observed week of the data: no estimate.
        Assert.Equal(JsonValueKind.Null, landmarks[0].GetProperty("survival").ValueKind);
    }

    [Fact]
    public void RowsOfAnotherParam_AreSkipped()
    {
        const string csv = "USUBJID,ARM,PARAMCD,AVAL,CNSR\n1,A,PFS,5,0\n2,A,OS,oops,9\n3,B,PFS,7,1\n";
        var (exit, output, _) = Run(csv, "--param", "PFS");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("arms").GetArrayLength());
    }

    [Fact]
    public void SingleArm_HasNullLogRank()
    {
        var (_, output, _) = Run("USUBJID,ARM,PARAMCD,AVAL,CNSR\n1,A,PFS,5,0\n2,A,PFS,6,1\n");
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("logRank").ValueKind);
    }

    [Fact]
    public void TextFormat_ShowsMedianTableAndTest()
    {
        var (exit, output, _) = Run(AmlAdtte(), "--format", "text");
        Assert.Equal(0, exit);
        Assert.Contains("Arm Maintained: n = 11, events = 7", output);
        Assert.Contains("median 31 (95 % CI 18 to NA)", output);
        Assert.Contains("Log-rank test: chi-square = 3.3964 on 1 degree of freedom, p = 0.06534", output);
    }

    private const string Header = "USUBJID,ARM,PARAMCD,AVAL,CNSR\n";

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("\uFEFF", 1, "empty")]
    [InlineData("USUBJID,ARM,PARAMCD,AVAL\n1,A,PFS,5\n", 1, "lacks CNSR")]
    [InlineData(Header, 2, "no rows")]
    [InlineData(Header + "1,A,PFS,5,0\n2,A,PFS,6\n", 3, "4 fields where the header has 5")]
    [InlineData(Header + "1,A,PFS,5,0\n2,A,PFS,5,0,x\n", 3, "6 fields")]
    [InlineData(Header + "1,A,PFS,five,0\n", 2, "AVAL 'five' is not a number")]
    [InlineData(Header + "1,A,PFS,,0\n", 2, "AVAL is empty")]
    [InlineData(Header + "1,A,PFS,NaN,0\n", 2, "AVAL 'NaN' is not a number")]
    [InlineData(Header + "1,A,PFS,5,0\n\n2,A,PFS,-3,0\n", 4, "AVAL '-3' is negative")]
    [InlineData(Header + "1,A,PFS,5,2\n", 2, "CNSR '2' is neither 0")]
    [InlineData(Header + "1,A,PFS,5,\n", 2, "CNSR '' is neither 0")]
    [InlineData(Header + "1,A,PFS,5,0\n2,B,OS,5,0\n", 3, "PARAMCD 'OS' differs from 'PFS' on line 2")]
    [InlineData(Header + "1,A,PFS,5,0\n2,B,PFS,7,1\n1,B,PFS,9,0\n", 4, "USUBJID '1' has a second 'PFS' row (the first is on line 2)")]
    [InlineData(Header + "1,,PFS,5,0\n", 2, "ARM is empty")]
    [InlineData(Header + ",A,PFS,5,0\n", 2, "USUBJID is empty")]
    [InlineData(Header + "1,A,,5,0\n", 2, "PARAMCD is empty")]
    [InlineData(Header + "1,\"A\nB\",PFS,5,0\n2,A,PFS,x,0\n", 4, "AVAL 'x'")]
    [InlineData(Header + "1,\"A,PFS,5,0\n", 2, "not closed")]
    [InlineData(Header + "1,A\"B,PFS,5,0\n", 2, "quote inside an unquoted field")]
    [InlineData(Header + "1,\"A\"B,PFS,5,0\n", 2, "after the closing quote")]
    public void BadInput_ExitsTwoNamingTheLineAndReason(string csv, int line, string reason)
    {
        var (exit, output, error) = Run(csv);
        Assert.Equal((2, ""), (exit, output));
        Assert.Contains($"line {line}: ", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void RequestedParamAbsent_ExitsTwoListingTheParamsPresent()
    {
        var (exit, _, error) = Run(Header + "1,A,OS,5,0\n2,A,PFS,5,0\n", "--param", "DFS");
        Assert.Equal(2, exit);
        Assert.Contains("No row has PARAMCD 'DFS'; the file holds OS, PFS.", error);
    }

    [Theory]
    [InlineData("--landmarks", "365,abc")]
    [InlineData("--landmarks", "1096,365")]
    [InlineData("--landmarks", "-1")]
    [InlineData("--format", "xml")]
    public void BadOption_IsAUsageError(string option, string value)
    {
        var (exit, _, error) = Run(Header + "1,A,PFS,5,0\n", option, value);
        Assert.Equal(2, exit);
        Assert.Contains("usage: rps survival", error);
    }

    [Fact]
    public void MissingFile_ExitsTwo()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, RpsCli.Run(["survival", "--input", Path.Combine(_directory, "absent.csv")], output, error));
        Assert.Contains("cannot read", error.ToString());
    }

    [Fact]
    public void RecordsLongerThanTheReadBuffer_AreReadWhole()
    {
        // A 3 MB quoted arm name forces the reader to grow its 1 MB buffer mid-record.
        var arm = new string('x', 3 << 20);
        var (exit, output, _) = Run($"{Header}1,\"{arm}\",PFS,5,0\n2,\"{arm}\",PFS,7,1\n");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(arm, json.RootElement.GetProperty("arms")[0].GetProperty("arm").GetString());
    }

    private (int Exit, string Output, string Error) Run(string csv, params string[] options)
    {
        var path = Path.Combine(_directory, $"adtte-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = RpsCli.Run(["survival", "--input", path, .. options], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();
}
