using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RpsServerless.Core;

namespace RpsServerless.Functions.Http;

/// <summary>
/// The API's JSON conventions (api.md): camelCase, enums as snake_case strings, unknown properties rejected,
/// nullability and required members respected, so a typo or a missing field is a 400, never a silent default.
/// </summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new UtcInstantConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>
    /// Reads a JSON body into <typeparamref name="T"/>. Failures come back as field errors keyed by the JSON path
    /// of the offending value (<c>patient.ageYears</c>; <c>$</c> for the body), with messages that name no .NET types.
    /// </summary>
    public static bool TryDeserialize<T>(ReadOnlyMemory<byte> json, out T? value, out IReadOnlyList<FieldError> errors)
    {
        value = default;
        try
        {
            // Syntax first, so "not JSON" and "JSON of the wrong shape" get different messages.
            using (JsonDocument.Parse(json)) { }
        }
        catch (JsonException exception)
        {
            errors = [new FieldError("$", $"Malformed JSON (line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1}).")];
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(json.Span, Options);
        }
        catch (JsonException exception)
        {
            errors = Describe(exception);
            return false;
        }

        if (value is null)
        {
            errors = [new FieldError("$", "A JSON object is required.")];
            return false;
        }
        errors = [];
        return true;
    }

    private static IReadOnlyList<FieldError> Describe(JsonException exception)
    {
        var path = FieldPath(exception.Path);
        var message = exception.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return [new FieldError(path, "Unknown field.")];

        const string missingMarker = "missing required properties including: ";
        var missingAt = message.IndexOf(missingMarker, StringComparison.Ordinal);
        if (missingAt < 0)
        {
            const string altMarker = "missing required properties, including the following: ";
            missingAt = message.IndexOf(altMarker, StringComparison.Ordinal);
            if (missingAt >= 0) missingAt += altMarker.Length - missingMarker.Length;
        }
        if (missingAt >= 0)
        {
            var names = message[(missingAt + missingMarker.Length)..]
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(name => name.Trim('\'', '.', ' '));
            return names.Select(name => new FieldError(Combine(path, name), "Required.")).ToList();
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) &&
            message.Contains("doesn't allow", StringComparison.OrdinalIgnoreCase))
            return [new FieldError(path, "Must not be null.")];

        return [new FieldError(path, "Invalid value for this field.")];
    }

    /// <summary><c>$.patient.ageYears</c> → <c>patient.ageYears</c>; <c>$</c> stays <c>$</c>.</summary>
    internal static string FieldPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$"
        : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
        : jsonPath.StartsWith('$') ? jsonPath[1..]
        : jsonPath;

    private static string Combine(string path, string name) => path == "$" ? name : $"{path}.{name}";
}
