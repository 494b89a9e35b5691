using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace RpsServerless.Functions.Diagnostics;

/// <summary>
/// Where the worker's telemetry goes: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (set by the template, docs/deploy.md)
/// turns on OpenTelemetry traces, metrics and logs exported to Azure Monitor; without it (devhost, tests) nothing is
/// exported and no exporter is registered. Ingestion is authenticated with Entra ID as the managed identity named by
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> (<c>Authorization=AAD;ClientId=…</c>): the component refuses
/// instrumentation-key ingestion.
/// </summary>
public sealed record TelemetrySettings(string ConnectionString, TokenCredential? Credential)
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Null when no connection string is configured: export nothing.</summary>
    public static TelemetrySettings? FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
            return null;
        return new TelemetrySettings(connectionString, CredentialFrom(configuration[AuthenticationStringSetting]));
    }

    /// <summary>
    /// <c>Authorization=AAD;ClientId=&lt;id&gt;</c> → that user-assigned identity; <c>Authorization=AAD</c> alone →
    /// the system-assigned one; absent → no credential. Anything else is a configuration error, refused at start.
    /// </summary>
    internal static TokenCredential? CredentialFrom(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
            return null;
        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : "", StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !kind.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{AuthenticationStringSetting} must be 'Authorization=AAD' with an optional ';ClientId=<client id>'.");
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}

public static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry for the worker, exported to Azure Monitor when configured (see <see cref="TelemetrySettings"/>).
    /// Kept out of <c>AddRpsServerless</c> so the devhost and the tests never build an exporter.
    /// </summary>
    public static IServiceCollection AddAzureMonitorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (TelemetrySettings.FromConfiguration(configuration) is not { } settings)
            return services;
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = settings.ConnectionString;
                options.Credential = settings.Credential;
                // No sampling in the worker (STYLE habit 8): request telemetry is never sampled, and every log event
                // with an EventId is an operational signal the alerts count (docs/operations.md). The trial's volume
                // (seven sites, about a hundred participants) makes this cheap. The Functions host samples only its
                // own telemetry, with Request and Exception excluded (host.json).
                options.SamplingRatio = 1.0F;
                options.EnableTraceBasedLogsSampler = false;
            });
        return services;
    }
}
