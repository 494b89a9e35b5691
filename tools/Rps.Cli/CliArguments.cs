namespace RpsServerless.Cli;

/// <summary>
/// The <c>--name value</c> options of one command line. Unknown or repeated options are errors, so a typo never
/// silently runs with a default.
/// </summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CliArguments(Dictionary<string, string> values) => _values = values;

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
                throw new CliUsageException($"Unexpected argument '{name}'; options are written --name value.");
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new CliUsageException($"Option {name} needs a value.");
            if (!values.TryAdd(name[2..], args[++i]))
                throw new CliUsageException($"Option {name} is given twice.");
        }
        return new CliArguments(values);
    }

    public string Required(string name) =>
        Optional(name) ?? throw new CliUsageException($"Option --{name} is required.");

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public int OptionalInt(string name, int fallback, int min, int max)
    {
        var text = Optional(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
            throw new CliUsageException($"Option --{name} must be a whole number from {min} to {max}.");
        return value;
    }

    /// <summary>Call after reading every option: names any the command does not know.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new CliUsageException($"Unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}

/// <summary>A command line the program cannot run; printed with the usage and exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
