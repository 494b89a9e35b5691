using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RpsServerless.Core.Reports;

/// <summary>
/// The serializer settings of every report JSON (api.md: camelCase, enums as snake_case contract names, nulls kept,
/// instants in UTC with <c>Z</c>), shared by the HTTP layer and the CLI so both print the same numbers.
/// </summary>
public static class ReportJson
{
    /// <summary>Compact output, as the HTTP layer writes it.</summary>
    public static JsonSerializerOptions Options { get; } = Create(writeIndented: false);

    /// <summary>The same JSON, indented for people reading it (the CLI).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(writeIndented: true);

    private static JsonSerializerOptions Create(bool writeIndented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            WriteIndented = writeIndented,
            // Criterion texts (≥), arm labels and site names are written as they are, not as \u escapes: a report is
            // served as application/json, never inlined into HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Writes an instant as ISO 8601 UTC with <c>Z</c> (api.md), where System.Text.Json would write <c>+00:00</c>.</summary>
public sealed class UtcInstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}
