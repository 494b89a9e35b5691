using System.Globalization;
using System.Text;
using System.Text.Json;
using RpsServerless.Core.Screening;
using static RpsServerless.Core.InputText;

namespace RpsServerless.Core.Outcomes;

/// <summary>
/// The value readers the outcome body parsers share, in the manner of <see cref="ScreeningSubmissionParser"/>: every
/// problem is collected as a <see cref="FieldError"/> with its path and nothing throws. An object is first read into
/// its named properties (unknown and repeated names reported), then each field is read by name.
/// </summary>
internal sealed class BodyReader
{
    // Contract plausibility limits, not protocol rules: NATARS started in 2022, so a date outside these years is a
    // typo (0202, 2202). The bound also keeps instant arithmetic (deadline = awareness + 24 h) in range.
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);
    public static readonly DateOnly LatestDate = new(2099, 12, 31);

    public List<FieldError> Errors { get; } = [];

    /// <summary>The properties of an object by name, or null (with an error) when <paramref name="value"/> is not an object.</summary>
    public Fields? Object(JsonElement value, string at, string what, IReadOnlyList<string> allowed)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(at.Length == 0 ? "$" : at, $"Must be a JSON object ({what}), not {Describe(value.ValueKind)}.");
            return null;
        }
        var fields = new Fields(at);
        var repeated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                Error(at.Length == 0 ? "$" : at, "A property name is not valid Unicode text.");
                continue;
            }
            // An empty name would give an empty path; it is shown as [''] after its object.
            var path = name.Length == 0 ? (at.Length == 0 ? "$" : at) + "['']" : Join(at, name);
            if (!allowed.Contains(name))
            {
                Error(path, $"Unknown property: the properties here are {string.Join(", ", allowed)}.");
                continue;
            }
            // A repeated property is ambiguous: which value did the site mean? Neither is taken.
            if (!fields.Add(name, property.Value) && repeated.Add(name))
                Error(path, "Given more than once: each property may appear only once.");
        }
        foreach (var name in repeated) fields.MarkRepeated(name);
        return fields;
    }

    public DateOnly? Date(Fields fields, string name, bool required)
    {
        if (Value(fields, name, required, "a date written YYYY-MM-DD") is not { } value) return null;
        var path = fields.PathOf(name);
        if (value.ValueKind == JsonValueKind.String && Text(value, path) is { } text)
        {
            if (!IsIsoDate(text, out var date))
                Error(path, $"'{Echo(text)}' is not a date written YYYY-MM-DD.");
            else if (date < EarliestDate || date > LatestDate)
                Error(path, $"{text} is outside the years {EarliestDate.Year}-{LatestDate.Year}: check the year.");
            else return date;
            return null;
        }
        if (value.ValueKind != JsonValueKind.String) Error(path, "Must be a date written YYYY-MM-DD.");
        return null;
    }

    /// <summary>An instant in UTC, ISO 8601 with <c>Z</c> (api.md): <c>2027-01-02T08:00:00Z</c>, fractions of a second allowed.</summary>
    public DateTimeOffset? Instant(Fields fields, string name, bool required)
    {
        const string expected = "a UTC instant written YYYY-MM-DDThh:mm:ssZ";
        if (Value(fields, name, required, expected) is not { } value) return null;
        var path = fields.PathOf(name);
        if (value.ValueKind == JsonValueKind.String && Text(value, path) is { } text)
        {
            if (!IsIsoInstant(text, out var instant))
                Error(path, $"'{Echo(text)}' is not {expected}.");
            else if (instant.UtcDateTime.Year < EarliestDate.Year || instant.UtcDateTime.Year > LatestDate.Year)
                Error(path, $"{text} is outside the years {EarliestDate.Year}-{LatestDate.Year}: check the year.");
            else return instant;
            return null;
        }
        if (value.ValueKind != JsonValueKind.String) Error(path, $"Must be {expected}.");
        return null;
    }

    public TEnum? Enumeration<TEnum>(Fields fields, string name, bool required) where TEnum : struct, Enum
    {
        var expected = $"one of {ContractEnum<TEnum>.AllowedNames}";
        return Value(fields, name, required, expected) is { } value ? Enumeration<TEnum>(value, fields.PathOf(name)) : null;
    }

    public TEnum? Enumeration<TEnum>(JsonElement value, string path) where TEnum : struct, Enum
    {
        if (value.ValueKind == JsonValueKind.String && Text(value, path) is { } text)
        {
            if (ContractEnum<TEnum>.TryParse(text, out var parsed)) return parsed;
            Error(path, $"Unknown value '{Echo(text)}': must be one of {ContractEnum<TEnum>.AllowedNames}.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
            Error(path, $"Must be one of {ContractEnum<TEnum>.AllowedNames}; not {Describe(value.ValueKind)}.");
        return null;
    }

    /// <summary>An array of distinct enumeration values; null (absent) reads as empty.</summary>
    public IReadOnlyList<TEnum>? EnumerationList<TEnum>(Fields fields, string name) where TEnum : struct, Enum
    {
        if (!fields.TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        var path = fields.PathOf(name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"Must be an array of {ContractEnum<TEnum>.AllowedNames}, not {Describe(value.ValueKind)}.");
            return null;
        }
        var list = new List<TEnum>();
        var ok = true;
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            if (Enumeration<TEnum>(item, itemPath) is not { } parsed) ok = false;
            else if (list.Contains(parsed))
            {
                Error(itemPath, $"'{ContractEnum<TEnum>.Name(parsed)}' is listed more than once.");
                ok = false;
            }
            else list.Add(parsed);
        }
        return ok ? list : null;
    }

    public int? WholeNumber(Fields fields, string name, bool required, int min, int max)
    {
        var expected = $"a whole number from {min} to {max}";
        if (Value(fields, name, required, expected) is not { } value) return null;
        // JSON does not tell 3 from 3.0; both are the whole number 3. 3.5 is not.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            && number == decimal.Truncate(number) && number >= min && number <= max)
            return (int)number;
        Error(fields.PathOf(name), $"Must be {expected}.");
        return null;
    }

    public bool? Boolean(Fields fields, string name, bool required)
    {
        if (Value(fields, name, required, "true or false") is not { } value) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.ValueKind == JsonValueKind.True;
        Error(fields.PathOf(name), $"Must be true or false, not {Describe(value.ValueKind)}.");
        return null;
    }

    /// <summary>
    /// A short printable text: no control or format characters, no broken surrogate pairs, no leading or trailing
    /// blanks; length in UTF-16 code units, the measure storage uses.
    /// </summary>
    public string? ShortText(Fields fields, string name, bool required, int maxLength)
    {
        var expected = $"a text of 1-{maxLength} printable characters without leading or trailing spaces";
        if (Value(fields, name, required, expected) is not { } value) return null;
        var path = fields.PathOf(name);
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(path, $"Must be {expected}, not {Describe(value.ValueKind)}.");
            return null;
        }
        if (Text(value, path) is not { } text) return null;
        if (text.Length == 0 || text.Length > maxLength || !IsPrintable(text))
        {
            Error(path, $"Must be {expected}.");
            return null;
        }
        return text;
    }

    /// <summary>The nested object's fields, or null (with an error) when absent-but-required or not an object.</summary>
    public Fields? NestedObject(Fields fields, string name, bool required, string what, IReadOnlyList<string> allowed)
    {
        if (Value(fields, name, required, $"an object ({what})") is not { } value) return null;
        return Object(value, fields.PathOf(name), what, allowed);
    }

    /// <summary>The value of a field; null (with an error when required) when absent or JSON null.</summary>
    private JsonElement? Value(Fields fields, string name, bool required, string expected)
    {
        if (fields.TryGet(name, out var value) && value.ValueKind != JsonValueKind.Null) return value;
        if (required && !fields.IsRepeated(name)) Error(fields.PathOf(name), $"Required: {expected}.");
        return null;
    }

    public void Error(string path, string message) => Errors.Add(new FieldError(path, message));

    /// <summary>The string value, or null (with an error) when its escapes do not form valid Unicode.</summary>
    private string? Text(JsonElement value, string path)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            Error(path, "Not valid Unicode text.");
            return null;
        }
    }

    public static string Join(string at, string name) => at.Length == 0 ? name : at + "." + name;

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool IsIsoDate(string text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        for (var i = 0; i < text.Length; i++)
            if (i is not (4 or 7) && !char.IsAsciiDigit(text[i])) return false;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static readonly string[] InstantFormats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    private static bool IsIsoInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        // Digits only where digits belong, a fraction of 1-7 digits if any: "12:00:00.Z" and "+08:00" offsets are not
        // instants of the contract, which writes every instant in UTC.
        if (text.Length < 20 || text.Length > 28 || text[10] != 'T' || text[^1] != 'Z') return false;
        if (text.Length > 20 && (text[19] != '.' || text.Length == 21)) return false;
        for (var i = 0; i < text.Length - 1; i++)
            if (i is not (4 or 7 or 10 or 13 or 16 or 19) && !char.IsAsciiDigit(text[i])) return false;
        if (!DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        instant = parsed.ToUniversalTime();
        return true;
    }




    /// <summary>The properties of one object by name, with the path of the object.</summary>
    internal sealed class Fields(string at)
    {
        private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

        public string At { get; } = at;

        public bool Add(string name, JsonElement value) => _values.TryAdd(name, value);

        private readonly HashSet<string> _repeated = new(StringComparer.Ordinal);

        /// <summary>A repeated name is already reported; it reads as absent without a second "required" error.</summary>
        public void MarkRepeated(string name)
        {
            _values.Remove(name);
            _repeated.Add(name);
        }

        public bool IsRepeated(string name) => _repeated.Contains(name);

        public bool TryGet(string name, out JsonElement value) => _values.TryGetValue(name, out value);

        /// <summary>Present with a value other than JSON null.</summary>
        public bool Has(string name) => _values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

        public string PathOf(string name) => Join(At, name);
    }
}
