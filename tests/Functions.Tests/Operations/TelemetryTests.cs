using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.Functions.Tests.Operations;

public class TelemetryTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://ingest.invalid/";

    [Fact]
    public void WithoutAConnectionString_NothingIsExported_NoProviderIsRegistered()
    {
        var services = new ServiceCollection().AddAzureMonitorTelemetry(Settings());
        Assert.Empty(services);
        Assert.Null(TelemetrySettings.FromConfiguration(Settings()));
    }

    [Fact]
    public void TheCompositionItself_RegistersNoExporter_SoTestsAndTheDevhostStayOffline()
    {
        var services = new ServiceCollection().AddLogging()
            .AddRpsServerless(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), (TelemetrySettings.ConnectionStringSetting, ConnectionString)));
        Assert.DoesNotContain(services, d => d.ServiceType.Namespace?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void WithAConnectionString_TracesMetricsAndLogsAreExported()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddAzureMonitorTelemetry(Settings((TelemetrySettings.ConnectionStringSetting, ConnectionString)))
            .BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());
    }

    [Fact]
    public void TheAuthenticationString_NamesTheUserAssignedIdentity()
    {
        var settings = TelemetrySettings.FromConfiguration(Settings(
            (TelemetrySettings.ConnectionStringSetting, ConnectionString),
            (TelemetrySettings.AuthenticationStringSetting, "Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555")))!;
        Assert.IsType<ManagedIdentityCredential>(settings.Credential);
        Assert.IsType<ManagedIdentityCredential>(TelemetrySettings.CredentialFrom("Authorization=AAD"));
        Assert.Null(TelemetrySettings.CredentialFrom(null));
    }

    [Theory]
    [InlineData("Authorization=Key")]
    [InlineData("ClientId=abc")]
    public void AnAuthenticationStringThatIsNotEntraId_IsRefusedAtStart(string value)
    {
        Assert.Throws<InvalidOperationException>(() => TelemetrySettings.CredentialFrom(value));
    }
}
