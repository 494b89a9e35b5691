using System.Text;
using System.Text.Json;
using RpsServerless.Core.Outcomes;

namespace RpsServerless.Cli.Tests;

/// <summary>The ADTTE export written by core/Outcomes is read unchanged by <c>rps survival</c>.</summary>
public sealed class AdtteExportSurvivalTests : IDisposable
{
    private static readonly DateOnly Allocated = new(2027, 1, 4);
    private readonly string _directory = Directory.CreateTempSubdirectory("rps-adtte-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ParticipantOutcomes Participant(string id, string arm, DiseaseAssessment[] assessments, ParticipantStatusEvent[]? status = null) =>
        new(id, arm, Allocated, assessments, null,
            (status ?? []).Select((e, i) => new ParticipantStatusRecord(i + 1, e, DateTimeOffset.UnixEpoch)).ToArray(), []);

    private static DiseaseAssessment Scan(int day, AssessmentResult result) => new(Allocated.AddDays(day), result);

    private string WriteExport()
    {
        var participants = new[]
        {
            Participant("NATARS-PKUIH-0001", "neoadjuvant", [Scan(90, AssessmentResult.Stable), Scan(180, AssessmentResult.LocalRecurrence)]),
            Participant("NATARS-PKUIH-0002", "neoadjuvant", [Scan(90, AssessmentResult.NoEvidenceOfDisease), Scan(270, AssessmentResult.NoEvidenceOfDisease)]),
            Participant("NATARS-BFH-0003", "neoadjuvant", [], [new Died(Allocated.AddDays(40), DeathCause.TreatmentToxicity)]),
            Participant("NATARS-BFH-0004", "surgery_only", [Scan(90, AssessmentResult.DistantMetastasis)], [new Died(Allocated.AddDays(300), DeathCause.Sarcoma)]),
            Participant("NATARS-ZSH-0005", "surgery_only", [Scan(180, AssessmentResult.Stable)]),
            Participant("NATARS-ZSH-0006", "surgery_only", []),
        };
        var csv = Adtte.ToCsv(Adtte.Rows(participants.Select(EndpointDerivation.Derive)));
        var path = Path.Combine(_directory, "adtte.csv");
        File.WriteAllText(path, csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private static (int Exit, JsonDocument? Json, string Error) Survival(string path, string param)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = RpsCli.Run(["survival", "--input", path, "--param", param], output, error);
        return (exit, exit == 0 ? JsonDocument.Parse(output.ToString()) : null, error.ToString());
    }

    [Fact]
    public void ExportedPfs_IsAnalysedByRpsSurvivalWithTheDerivedEventsAndTimes()
    {
        var (exit, json, error) = Survival(WriteExport(), "PFS");
        Assert.Equal((0, ""), (exit, error));
        using var _ = json;
        var root = json!.RootElement;
        Assert.Equal("PFS", root.GetProperty("param").GetString());
        var arms = root.GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("arm").GetString()!);
        // neoadjuvant: recurrence at 180, censored at 270, death at 40 → 3 subjects, 2 events.
        Assert.Equal((3, 2), (arms["neoadjuvant"].GetProperty("n").GetInt32(), arms["neoadjuvant"].GetProperty("events").GetInt32()));
        // surgery_only: metastasis at 90, censored at 180, censored at 0 → 3 subjects, 1 event.
        Assert.Equal((3, 1), (arms["surgery_only"].GetProperty("n").GetInt32(), arms["surgery_only"].GetProperty("events").GetInt32()));
        Assert.Equal([40.0, 180.0, 270.0], arms["neoadjuvant"].GetProperty("table").EnumerateArray().Select(r => r.GetProperty("time").GetDouble()));
        Assert.NotEqual(JsonValueKind.Null, root.GetProperty("logRank").ValueKind);
    }

    [Fact]
    public void ExportedOs_IsAnalysedByRpsSurvival()
    {
        var (exit, json, error) = Survival(WriteExport(), "OS");
        Assert.Equal((0, ""), (exit, error));
        using var _ = json;
        var events = json!.RootElement.GetProperty("arms").EnumerateArray().Sum(a => a.GetProperty("events").GetInt32());
        Assert.Equal(2, events);
    }
}
