using System.Globalization;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Statistics;

namespace RpsServerless.Cli.Survival;

/// <summary><c>rps survival</c> (tools.md): Kaplan–Meier and log-rank from an ADTTE CSV.</summary>
internal sealed class SurvivalCommand : ICliCommand
{
    public IReadOnlyList<string> Words { get; } = ["survival"];

    public string Usage => "rps survival --input adtte.csv [--param PFS] [--landmarks 365,1096] [--format json|text]";

    public int Run(CliArguments arguments, TextWriter output, TextWriter error)
    {
        var input = arguments.Required("input");
        var param = arguments.Optional("param");
        var landmarks = ParseLandmarks(arguments.Optional("landmarks"));
        var format = arguments.Optional("format") ?? "json";
        if (format is not ("json" or "text")) throw new CliUsageException("Option --format must be json or text.");
        arguments.RejectUnknown();

        AdtteParameter? parameter;
        AdtteProblem? problem;
        try
        {
            using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            (parameter, problem) = AdtteReader.Read(stream, param);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"rps survival: cannot read {input}: {e.Message}");
            return RpsCli.BadInput;
        }
        if (parameter is null)
        {
            error.WriteLine($"rps survival: {input}, line {problem!.Line}: {problem.Reason}");
            return RpsCli.BadInput;
        }

        var analysis = SurvivalAnalysis.Analyse(parameter.Sample);
        if (format == "json") SurvivalReport.WriteJson(output, parameter.Param, analysis, landmarks);
        else SurvivalReport.WriteText(output, parameter.Param, analysis, landmarks);
        return RpsCli.Done;
    }

    // The protocol's landmarks (§6: 12 and 36 months) unless the statistician asks for others.
    private static double[] ParseLandmarks(string? text)
    {
        if (text is null) return ProtocolCatalog.Get().Endpoints.LandmarkDays.Select(d => (double)d).ToArray();
        var days = new List<double>();
        foreach (var part in text.Split(','))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var day) || !double.IsFinite(day) || day < 0)
                throw new CliUsageException($"Option --landmarks takes non-negative day counts separated by commas; '{part}' is not one.");
            if (days.Count > 0 && day <= days[^1])
                throw new CliUsageException("Option --landmarks must list its days in increasing order, each once.");
            days.Add(day + 0.0);
        }
        return days.ToArray();
    }
}
