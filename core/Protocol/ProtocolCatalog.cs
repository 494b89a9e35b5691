using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RpsServerless.Core.Protocol;

/// <summary>
/// The protocol versions this build knows, embedded as JSON under <c>Protocol/Definitions</c>. Loading validates the
/// whole definition: a broken definition fails at start-up with the JSON path of every bad value, never at the first
/// screening that happens to touch it.
/// </summary>
public static class ProtocolCatalog
{
    public const string Current = "NATARS-1.0";

    private const string ResourcePrefix = "RpsServerless.Core.Protocol.";

    private static readonly ConcurrentDictionary<string, ProtocolDefinition> Loaded = new(StringComparer.Ordinal);

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The versions embedded in this build, in ordinal order.</summary>
    public static IReadOnlyList<string> Versions { get; } = typeof(ProtocolCatalog).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The validated definition of <paramref name="version"/>; cached after the first load.</summary>
    /// <exception cref="ProtocolDefinitionException">The version is unknown or its definition is invalid.</exception>
    public static ProtocolDefinition Get(string version = Current) => Loaded.GetOrAdd(version, LoadEmbedded);

    public static bool TryGet(string version, out ProtocolDefinition? definition)
    {
        definition = Versions.Contains(version, StringComparer.Ordinal) ? Get(version) : null;
        return definition is not null;
    }

    /// <summary>Parses and validates a definition from JSON text (used for embedded versions and by tests).</summary>
    public static ProtocolDefinition Parse(string json, string expectedVersion)
    {
        ProtocolDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<ProtocolDefinition>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ProtocolDefinitionException(expectedVersion, [new ProtocolError(e.Path ?? "$", FirstSentence(e.Message))]);
        }

        if (definition is null)
            throw new ProtocolDefinitionException(expectedVersion, [new ProtocolError("$", "The definition is empty.")]);

        var errors = ProtocolValidator.Validate(definition, expectedVersion);
        if (errors.Count > 0)
            throw new ProtocolDefinitionException(expectedVersion, errors);
        return definition;
    }

    private static ProtocolDefinition LoadEmbedded(string version)
    {
        using var stream = typeof(ProtocolCatalog).Assembly.GetManifestResourceStream(ResourcePrefix + version + ".json")
            ?? throw new ProtocolDefinitionException(version,
                [new ProtocolError("$", $"No protocol version '{version}' is defined; known: {string.Join(", ", Versions)}.")]);
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), version);
    }

    // System.Text.Json appends "Path: … | LineNumber: …" to its messages; the path is reported separately.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

public sealed record ProtocolError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A protocol definition that must not be used: every bad value with its JSON path.</summary>
public sealed class ProtocolDefinitionException(string version, IReadOnlyList<ProtocolError> errors)
    : Exception($"Protocol definition {version} is invalid: {string.Join("; ", errors)}")
{
    public string Version { get; } = version;

    public IReadOnlyList<ProtocolError> Errors { get; } = errors;
}
