using System.Text.Json;
using RpsServerless.Core.Audit;

namespace RpsServerless.Cli;

/// <summary>
/// <c>rps audit verify --input chain.jsonl</c>: checks an audit-trail export (<see cref="AuditExport"/>, from
/// <c>GET /api/audit/export</c>) offline. Exit 0 when the chain is intact; exit 2 naming the first broken record
/// (altered, missing, reordered, inserted), or when the file is not an export.
/// </summary>
internal sealed class AuditVerifyCommand : ICliCommand
{
    public IReadOnlyList<string> Words { get; } = ["audit", "verify"];

    public string Usage => "rps audit verify --input chain.jsonl [--format text|json]";

    public int Run(CliArguments arguments, TextWriter output, TextWriter error)
    {
        var input = arguments.Required("input");
        var format = arguments.Optional("format") ?? "text";
        arguments.RejectUnknown();
        if (format is not ("text" or "json"))
            throw new CliUsageException("Option --format must be text or json.");
        if (!File.Exists(input))
        {
            error.WriteLine($"rps audit verify: {input} does not exist.");
            return RpsCli.BadInput;
        }

        var verification = AuditExport.Verify(File.ReadLines(input), out var formatError);
        if (formatError is not null)
        {
            error.WriteLine($"rps audit verify: {input}: {formatError}");
            return RpsCli.BadInput;
        }

        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                intact = verification.IsIntact,
                records = verification.RecordCount,
                broken = verification.Break is { } b
                    ? new { kind = b.Kind.ToString().ToLowerInvariant(), sequence = b.Sequence, line = b.Position + 1, message = b.Message }
                    : null,
            }));
        }
        else if (verification.Break is { } broken)
        {
            // Line numbers count the header as line 1.
            output.WriteLine($"BROKEN at record {broken.Sequence} (line {broken.Position + 1}): {broken.Kind.ToString().ToLowerInvariant()}. {broken.Message}");
        }
        else
        {
            output.WriteLine($"intact: {verification.RecordCount} records, chained from record 1 to the head.");
        }
        return verification.IsIntact ? RpsCli.Done : RpsCli.BadInput;
    }
}
