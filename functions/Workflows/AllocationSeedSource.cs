using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Allocation;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.Functions.Workflows;

/// <summary>
/// The allocation seed from configuration <c>Allocation:Seed</c> (app setting <c>Allocation__Seed</c>): a Key Vault
/// reference in Azure (infra/modules/functionapp.bicep), the labelled development seed in <c>local.settings.json</c>
/// and test configuration. A missing or unreadable seed is not fatal at start: allocation answers 503 and logs why,
/// everything else keeps working.
/// </summary>
public sealed class AllocationSeedSource(IConfiguration configuration, ILogger<AllocationSeedSource> logger)
{
    public const string SettingName = "Allocation:Seed";

    /// <summary>
    /// DEVELOPMENT ONLY — NOT FOR PRODUCTION. The fixed seed of local.settings.json, the devhost and the tests, so
    /// local allocations are reproducible. Public in this repository, hence predictable: using it is logged as a warning.
    /// </summary>
    public const string DevelopmentSeedHex = "6e61746172732d646576656c6f706d656e742d6f6e6c792d6e6f742d666f722d70726f64";

    private readonly Lock _gate = new();
    private (string Text, AllocationSeed Seed)? _parsed;

    /// <summary>The seed, or null (logged as an error) when none is configured or the configured text is not a seed.</summary>
    public AllocationSeed? TryGet()
    {
        var text = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(text))
        {
            logger.LogError(LogEvents.AllocationSeedUnavailable,
                "No allocation seed is configured (setting Allocation__Seed); allocation is refused with 503");
            return null;
        }
        if (text.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogError(LogEvents.AllocationSeedUnavailable,
                "Allocation__Seed is an unresolved Key Vault reference (check the secret and the app identity's access); allocation is refused with 503");
            return null;
        }

        lock (_gate)
        {
            if (_parsed is { } parsed && parsed.Text == text)
                return parsed.Seed;
        }
        AllocationSeed seed;
        try
        {
            seed = AllocationSeed.Parse(text);
        }
        catch (FormatException exception)
        {
            // The message describes the text, never repeats it.
            logger.LogError(LogEvents.AllocationSeedUnavailable, "The configured allocation seed is not usable: {Reason}; allocation is refused with 503",
                exception.Message);
            return null;
        }
        if (string.Equals(text.Trim(), DevelopmentSeedHex, StringComparison.OrdinalIgnoreCase))
            logger.LogWarning(LogEvents.AllocationDevelopmentSeed,
                "Allocating with the public DEVELOPMENT seed: allocations are predictable. Never use it for the trial");
        lock (_gate)
            _parsed = (text, seed);
        return seed;
    }
}
