using System.Text.Json;
using RpsServerless.Core;
using RpsServerless.Core.Outcomes;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>
/// The body of a correction route: <c>{ "reason": "…", "&lt;record&gt;": { the full corrected record } }</c>. The
/// record itself is read by the same core parser as a first report, with its error paths under the record's name.
/// </summary>
public sealed record CorrectionBody(string Reason, ReadOnlyMemory<byte> Record)
{
    public static bool TryRead(ReadOnlyMemory<byte> body, string recordName, out CorrectionBody? correction, out IReadOnlyList<FieldError> errors)
    {
        correction = null;
        var found = new List<FieldError>();
        errors = found;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            found.Add(new FieldError("$", $"Malformed JSON (line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1})."));
            return false;
        }
        using (document)
        {
            // A lone surrogate escape (\ud800) parses as JSON but cannot be read as text: a field error, not a 500.
            try
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    found.Add(new FieldError("$", $"A JSON object with reason and {recordName} is required."));
                    return false;
                }
                foreach (var property in root.EnumerateObject())
                    if (property.Name != "reason" && property.Name != recordName)
                        found.Add(new FieldError(property.Name.Length == 0 ? "['']" : property.Name, "Unknown field."));

                string? reason = null;
                if (!root.TryGetProperty("reason", out var reasonElement))
                    found.Add(new FieldError("reason", "Required: say why the earlier record was wrong."));
                else if (reasonElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(reasonElement.GetString()))
                    found.Add(new FieldError("reason", "Must be a non-empty text: say why the earlier record was wrong."));
                else if (reasonElement.GetString()!.Length > OutcomeBodyParser.MaxReasonLength)
                    found.Add(new FieldError("reason", $"At most {OutcomeBodyParser.MaxReasonLength} characters."));
                else
                    reason = reasonElement.GetString()!.Trim();

                ReadOnlyMemory<byte> record = default;
                if (!root.TryGetProperty(recordName, out var recordElement))
                    found.Add(new FieldError(recordName, "Required: the full corrected record."));
                else if (recordElement.ValueKind != JsonValueKind.Object)
                    found.Add(new FieldError(recordName, "Must be a JSON object: the full corrected record."));
                else
                    record = JsonSerializer.SerializeToUtf8Bytes(recordElement);

                if (found.Count > 0) return false;
                correction = new CorrectionBody(reason!, record);
                return true;
            }
            catch (InvalidOperationException)
            {
                found.Add(new FieldError("$", "The body contains text that is not valid Unicode."));
                return false;
            }
        }
    }

    /// <summary>The record parser's errors, placed under the record's name: <c>histology</c> → <c>report.histology</c>.</summary>
    public static IEnumerable<FieldError> Under(string recordName, IEnumerable<FieldError> errors) =>
        errors.Select(e => e with { Path = e.Path is "$" or "" ? recordName : $"{recordName}.{e.Path}" });
}
