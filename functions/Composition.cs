using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Workflows.Outcomes;

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

        // HTTP cross-cutting.
        services.TryAddSingleton<ICallerIdentity, AnonymousCaller>();
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

        services.AddSingleton<SaeAlarmHandler>();
        services.AddSingleton<ReleaseSaeAlarms>();
        // Scoped: they take IParticipantDirectory and IParticipantTimelineSource, whatever lifetime those get.
        services.AddScoped<RecordAssessment>();
        services.AddScoped<RecordAdverseEvent>();
        services.AddScoped<RecordFinalPathology>();
        services.AddScoped<Workflows.Exports.ExportFhir>();
        services.AddScoped<Workflows.Exports.ExportSiteCalendar>();
    }
}
