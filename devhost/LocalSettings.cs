using System.Text.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace RpsServerless.DevHost;

/// <summary>
/// The <c>Values</c> of <c>functions/local.settings.json</c> (copied next to the devhost by the build) as configuration,
/// as <c>func start</c> reads them: <c>Allocation__Seed</c> becomes <c>Allocation:Seed</c>. Lowest precedence, so the
/// environment and the command line win. <c>AzureWebJobsStorage</c> is left out: without one given explicitly the
/// devhost starts its own Azurite, which is what its emulator value would point at anyway.
/// </summary>
internal static class LocalSettings
{
    public const string FileName = "local.settings.json";

    private static readonly string[] Skipped = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"];

    public static MemoryConfigurationSource Source(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.TryGetProperty("Values", out var settings) && settings.ValueKind == JsonValueKind.Object)
            {
                foreach (var setting in settings.EnumerateObject())
                {
                    var key = setting.Name.Replace("__", ":", StringComparison.Ordinal);
                    if (setting.Value.ValueKind == JsonValueKind.String &&
                        !Skipped.Any(skipped => key.Split(':')[0].Equals(skipped, StringComparison.OrdinalIgnoreCase)))
                        values[key] = setting.Value.GetString();
                }
            }
        }
        return new MemoryConfigurationSource { InitialData = values };
    }
}
