using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows.Audit;

namespace RpsServerless.Functions;

/// <summary>The one object graph of the app. <c>Program.cs</c>, the devhost and the tests all call this.</summary>
public static class Composition
{
    public static IServiceCollection AddRpsServerless(this IServiceCollection services, IConfiguration configuration)
    {
        // Time is a seam: the devhost's timer runner and the tests swap in a fake.
        services.TryAddSingleton(TimeProvider.System);

        // Storage: clients are built on first use, so a host may supply the connection after registration.
        services.AddSingleton(_ => StorageConnection.FromConfiguration(configuration));
        services.AddSingleton(provider => provider.GetRequiredService<StorageConnection>().CreateTableServiceClient());
        services.AddSingleton(provider => provider.GetRequiredService<StorageConnection>().CreateQueueServiceClient());
        services.AddSingleton<StorageProvisioner>();
        services.AddHostedService<StorageProvisioningService>();
        services.AddSingleton<IDependencyCheck, TablesCheck>();
        services.AddSingleton<IDependencyCheck, QueuesCheck>();

        // Access control: bearer tokens from Entra ID (Auth:Authority); without one, every protected request is
        // refused until a host supplies development keys (UseDevelopmentSigningKeys, the devhost only).
        var auth = AuthOptions.FromConfiguration(configuration);
        services.AddSingleton(auth);
        services.AddSingleton<ISigningKeySource>(_ => auth.Authority is { } authority
            ? new OpenIdConnectSigningKeys(authority)
            : new UnconfiguredSigningKeys());
        services.AddSingleton<BearerAuthenticator>();
        services.AddSingleton<IAccessGate, ApiAccess>();
        services.AddSingleton<ICallerIdentity, TokenCallerIdentity>();

        // Audit trail: append-only, hash-chained.
        services.AddSingleton<TableAuditTrail>();
        services.AddSingleton<IAuditTrail>(provider => provider.GetRequiredService<TableAuditTrail>());
        services.AddSingleton<ReadAuditTrail>();

        // HTTP cross-cutting.
        services.AddSingleton(new IdempotencyOptions());
        services.AddSingleton<TableIdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(provider => provider.GetRequiredService<TableIdempotencyStore>());
        services.AddSingleton<ApiEndpoint>();

        // Messaging: the storage queue channel always; Service Bus when configured.
        services.AddSingleton<IQueueMessageSender, StorageQueueMessageSender>();
        services.AddSingleton<INotificationChannel, StorageQueueNotificationChannel>();
        var serviceBus = ServiceBusSettings.FromConfiguration(configuration);
        if (serviceBus.IsEnabled)
        {
            services.AddSingleton(_ => serviceBus.CreateClient());
            services.AddSingleton(provider =>
                provider.GetRequiredService<ServiceBusClient>().CreateSender(ServiceBusNotificationChannel.TopicName));
            services.AddSingleton<INotificationChannel, ServiceBusNotificationChannel>();
        }

        return services;
    }

    /// <summary>
    /// Lets tokens signed by a local development key in (the devhost's). Refused when <c>Auth:Authority</c> is
    /// configured: a development key is never accepted beside, or instead of, the real token authority.
    /// </summary>
    public static IServiceCollection UseDevelopmentSigningKeys(this IServiceCollection services, IConfiguration configuration,
        string issuer, Microsoft.IdentityModel.Tokens.SecurityKey publicKey)
    {
        if (AuthOptions.FromConfiguration(configuration).Authority is not null)
            throw new InvalidOperationException("Auth:Authority is configured: a development signing key is never used beside it.");
        return services.Replace(ServiceDescriptor.Singleton<ISigningKeySource>(new FixedSigningKeys(issuer, publicKey)));
    }
}
