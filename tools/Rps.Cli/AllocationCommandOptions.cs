using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Cli;

/// <summary>The options the <c>rps allocation</c> commands share.</summary>
internal static class AllocationCommandOptions
{
    // Enumerations carry their contract names (AllocationMethod → "permuted_blocks") through their own converters.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static ProtocolDefinition Protocol(CliArguments arguments) =>
        ProtocolCatalog.Get(arguments.Optional("protocol") ?? ProtocolCatalog.Current);

    /// <summary>Reads the seed file. Messages name the file and the problem, never the seed.</summary>
    public static AllocationSeed Seed(CliArguments arguments)
    {
        var path = arguments.Required("seed-file");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"Cannot read the seed file '{path}': {e.Message}");
        }

        try
        {
            return AllocationSeed.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"The seed file '{path}' holds no usable seed: {e.Message}");
        }
    }

    /// <returns>True for <c>--format json</c>, false for the default text table.</returns>
    public static bool WantsJson(CliArguments arguments) => arguments.Optional("format") switch
    {
        null or "text" => false,
        "json" => true,
        var other => throw new CliUsageException($"Option --format must be text or json, not '{other}'."),
    };
}
