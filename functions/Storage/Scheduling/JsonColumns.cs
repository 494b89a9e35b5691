using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>
/// A value stored as JSON in a table entity. A string property holds at most 64 KiB (32 K UTF-16 characters), so
/// longer JSON continues in <c>Name1</c>, <c>Name2</c>… (an entity holds up to 1 MiB). Enumerations are written by
/// their contract names, dates as ISO dates.
/// </summary>
internal static class JsonColumns
{
    internal const int CharactersPerProperty = 30_000;

    private static readonly JsonSerializerOptions Json = CreateOptions();

    public static void Write<T>(TableEntity row, string property, T value)
    {
        var json = JsonSerializer.Serialize(value, Json);
        for (int part = 0, start = 0; start < json.Length || part == 0; part++, start += CharactersPerProperty)
            row[Part(property, part)] = json.Substring(start, Math.Min(CharactersPerProperty, json.Length - start));
    }

    public static T Read<T>(TableEntity row, string property)
    {
        var json = new StringBuilder();
        for (var part = 0; row.GetString(Part(property, part)) is { } text; part++)
            json.Append(text);
        if (json.Length == 0)
            throw new InvalidDataException($"Row {row.PartitionKey}/{row.RowKey} has no {property}.");
        return JsonSerializer.Deserialize<T>(json.ToString(), Json)
               ?? throw new InvalidDataException($"Row {row.PartitionKey}/{row.RowKey}: {property} is null.");
    }

    private static string Part(string property, int part) =>
        part == 0 ? property : property + part.ToString(CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
