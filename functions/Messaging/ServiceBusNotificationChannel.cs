using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.Functions.Messaging;

/// <summary>
/// The Service Bus channel: topic <c>coordinator-notifications</c>, message id = notification id (so the topic's
/// duplicate detection drops re-sends), application property <c>siteId</c> for per-site subscription filters.
/// Enabled by configuration (<see cref="ServiceBusSettings"/>).
/// </summary>
public sealed class ServiceBusNotificationChannel(ServiceBusSender sender, ILogger<ServiceBusNotificationChannel> logger)
    : INotificationChannel
{
    public const string TopicName = "coordinator-notifications";
    public const string SiteIdProperty = "siteId";
    public const string KindProperty = "kind";

    public string Name => "service-bus";

    public async Task SendAsync(CoordinatorNotification notification, CancellationToken cancellationToken)
    {
        await sender.SendMessageAsync(ToMessage(notification), cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.NotificationSent, "Notification {NotificationId} for site {SiteId} sent on {Channel}",
            notification.NotificationId, notification.SiteId, Name);
    }

    public static ServiceBusMessage ToMessage(CoordinatorNotification notification)
    {
        var message = new ServiceBusMessage(MessageJson.ToBinary(notification))
        {
            MessageId = notification.NotificationId,
            ContentType = "application/json",
            Subject = notification.Kind.ToWireName(),
        };
        message.ApplicationProperties[SiteIdProperty] = notification.SiteId;
        message.ApplicationProperties[KindProperty] = message.Subject;
        return message;
    }
}

/// <summary>
/// Service Bus settings, named as the Functions host names connections: <c>ServiceBusConnection</c> as a
/// connection string, or <c>ServiceBusConnection__fullyQualifiedNamespace</c> (managed identity through
/// <c>DefaultAzureCredential</c>, optionally <c>ServiceBusConnection__clientId</c>). Neither: the channel is off.
/// </summary>
public sealed record ServiceBusSettings(string? ConnectionString, string? FullyQualifiedNamespace, string? ClientId)
{
    public const string SettingName = "ServiceBusConnection";

    public bool IsEnabled => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);

    public static ServiceBusSettings FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var section = configuration.GetSection(SettingName);
        return new ServiceBusSettings(configuration[SettingName], section["fullyQualifiedNamespace"], section["clientId"]);
    }

    public ServiceBusClient CreateClient() => !string.IsNullOrWhiteSpace(ConnectionString)
        ? new ServiceBusClient(ConnectionString)
        : new ServiceBusClient(FullyQualifiedNamespace,
            new Azure.Identity.DefaultAzureCredential(new Azure.Identity.DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId }));
}
