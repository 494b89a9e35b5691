using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;
using RpsServerless.Functions.Workflows;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Workflows.Outcomes;
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

        // Screening and allocation (architecture.md data flow 1–2).
        services.TryAddSingleton(_ => ProtocolCatalog.Get());
        services.AddSingleton<ScreeningIds.Generator>();
        services.AddSingleton<IScreeningStore, TableScreeningStore>();
        services.AddSingleton<IAllocationStore, TableAllocationStore>();
        services.AddSingleton<IParticipantDirectory, TableParticipantDirectory>();
        services.AddSingleton(provider => new AllocationSeedSource(configuration,
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AllocationSeedSource>>()));
        services.TryAddSingleton<AllocationFaults>(); // the no-op; tests register one that fails on purpose
        services.AddSingleton<SubmitScreening>();
        services.AddSingleton<ReadScreenings>();
        services.AddSingleton<AllocationFollowUp>();
        services.AddSingleton<AllocateScreening>();
        services.AddSingleton<CompletePendingAllocations>();
        services.AddSingleton<ReadParticipants>();

        // Workflows.
        services.AddScheduling();

        AddOutcomes(services);
        return services;
    }

    /// <summary>
    /// Outcome recording, the SAE clock and the exports. They read participants through <c>IParticipantDirectory</c>
    /// (registered by the allocation workflow) and the exports read visits and status through
    /// <c>IParticipantTimelineSource</c> (an adapter over the schedule workflow's tables, wired at the merge).
    /// </summary>
    private static void AddOutcomes(IServiceCollection services)
    {
        services.AddSingleton<TableAdverseEventStore>();
        services.AddSingleton<IAdverseEventStore>(provider => provider.GetRequiredService<TableAdverseEventStore>());
        services.AddSingleton<ISaeClockReader>(provider => provider.GetRequiredService<TableAdverseEventStore>());
        services.AddSingleton<ISaeAlarmStore, TableSaeAlarmStore>();
        services.AddSingleton<IAssessmentStore, TableAssessmentStore>();
        services.AddSingleton<TableFinalPathologyStore>();
        services.AddSingleton<IFinalPathologyStore>(provider => provider.GetRequiredService<TableFinalPathologyStore>());
        services.AddSingleton<IExclusionReader>(provider => provider.GetRequiredService<TableFinalPathologyStore>());

        services.AddSingleton<Exports.IParticipantTimelineSource, StoredParticipantTimelines>();
        services.AddSingleton<SaeAlarmHandler>();
        services.AddSingleton<ReleaseSaeAlarms>();
        // Scoped: they take IParticipantDirectory and IParticipantTimelineSource, whatever lifetime those get.
        services.AddScoped<RecordAssessment>();
        services.AddScoped<RecordAdverseEvent>();
        services.AddScoped<RecordFinalPathology>();
        services.AddScoped<Workflows.Exports.ExportFhir>();
        services.AddScoped<Workflows.Exports.ExportSiteCalendar>();

        // Reports of a data cut: one loader, one workflow per report.
        services.AddSingleton<IAdverseEventReader>(provider => provider.GetRequiredService<TableAdverseEventStore>());
        services.AddScoped<Workflows.Reports.LoadDataCut>();
        services.AddScoped<Workflows.Reports.ReadConsortFlow>();
        services.AddScoped<Workflows.Reports.ReadSurvivalReport>();
        services.AddScoped<Workflows.Reports.ReadSafetyReport>();
        services.AddScoped<Workflows.Reports.ReadEnrollmentReport>();
        services.AddScoped<Workflows.Reports.ExportAdtte>();
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
