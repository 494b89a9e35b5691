using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RpsServerless.Functions.Http;

/// <summary>api.md: instants are ISO 8601 in UTC with <c>Z</c> (<c>2026-11-29T08:00:00Z</c>), whatever offset they carry in memory.</summary>
public sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        // An instant without a zone is ambiguous at a multi-centre trial: refuse it.
        if (text is null || !(text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal)) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            throw new JsonException("An instant must be ISO 8601 with a zone, e.g. 2026-11-29T08:00:00Z.");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
