using System.Text.Json;
using System.Text.Json.Serialization;

namespace RpsServerless.Core.Screening;

/// <summary>
/// The serializer settings of every screening JSON the product writes (api.md: camelCase, enums as their
/// snake_case contract names, dates <c>YYYY-MM-DD</c>, nulls kept), so the CLI and the HTTP layer print the same
/// JSON. The enums carry their contract names as attributes, so no naming policy is needed for them.
/// </summary>
public static class ScreeningJson
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
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
