using System.Text;
using System.Text.Json;
using RpsServerless.Core;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Cli;

/// <summary>
/// <c>rps screening evaluate</c> (tools.md): judges one submission or a JSON array of them with the same core as the
/// API and prints the <c>outcome</c>, <c>criteria</c>, <c>warnings</c> and <c>derived</c> of each, in input order.
/// A batch with any invalid submission prints every field error (prefixed <c>[i]</c>) and no evaluations, so a data
/// manager fixes the whole file before anything is read as judged.
/// </summary>
internal sealed class ScreeningEvaluateCommand : ICliCommand
{
    public IReadOnlyList<string> Words { get; } = ["screening", "evaluate"];

    public string Usage => "rps screening evaluate --input submission.json [--protocol NATARS-1.0]";

    public int Run(CliArguments arguments, TextWriter output, TextWriter error)
    {
        var input = arguments.Required("input");
        var version = arguments.Optional("protocol") ?? ProtocolCatalog.Current;
        arguments.RejectUnknown();

        if (!ProtocolCatalog.TryGet(version, out var protocol) || protocol is null)
        {
            error.WriteLine($"Unknown protocol version '{version}'; known: {string.Join(", ", ProtocolCatalog.Versions)}.");
            return RpsCli.BadInput;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(input);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"Cannot read '{input}': {e.Message}");
            return RpsCli.BadInput;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(WithoutByteOrderMark(bytes));
        }
        catch (JsonException e)
        {
            error.WriteLine(ScreeningSubmissionParser.MalformedJson(e));
            return RpsCli.BadInput;
        }

        using (document)
        {
            var root = document.RootElement;
            var isBatch = root.ValueKind == JsonValueKind.Array;
            var elements = isBatch ? root.EnumerateArray().ToList() : [root];
            var submissions = new List<ScreeningSubmission>(elements.Count);
            var errors = new List<FieldError>();
            for (var i = 0; i < elements.Count; i++)
            {
                var parsed = ScreeningSubmissionParser.Parse(elements[i], protocol);
                if (parsed.IsValid) submissions.Add(parsed.Submission);
                else errors.AddRange(isBatch ? parsed.Errors.Select(e => e with { Path = Indexed(i, e.Path) }) : parsed.Errors);
            }

            if (errors.Count > 0)
            {
                foreach (var e in errors) error.WriteLine(e);
                return RpsCli.BadInput;
            }

            var evaluations = submissions.Select(s => ScreeningEvaluator.Evaluate(s, protocol)).ToList();
            output.WriteLine(isBatch
                ? JsonSerializer.Serialize(evaluations, ScreeningJson.Indented)
                : JsonSerializer.Serialize(evaluations[0], ScreeningJson.Indented));
            return RpsCli.Done;
        }
    }

    /// <summary><c>[2].tumor.histology</c>; the body itself of element 2 is <c>[2]</c>.</summary>
    private static string Indexed(int index, string path) =>
        path == ScreeningSubmissionParser.BodyPath ? $"[{index}]" : $"[{index}].{path}";

    private static ReadOnlyMemory<byte> WithoutByteOrderMark(byte[] bytes) =>
        bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsMemory(Encoding.UTF8.Preamble.Length) : bytes;
}
