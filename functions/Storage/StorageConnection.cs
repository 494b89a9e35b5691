using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace RpsServerless.Functions.Storage;

/// <summary>
/// How the app reaches its storage account, read from the same setting the Functions host uses:
/// <c>AzureWebJobsStorage</c> as a connection string (Azurite locally), or identity-based in Azure with
/// <c>AzureWebJobsStorage__tableServiceUri</c> and <c>AzureWebJobsStorage__queueServiceUri</c>
/// (optionally <c>AzureWebJobsStorage__clientId</c> for a user-assigned identity) and <see cref="DefaultAzureCredential"/>.
/// </summary>
public sealed class StorageConnection
{
    public const string SettingName = "AzureWebJobsStorage";

    private StorageConnection(string? connectionString, Uri? tableServiceUri, Uri? queueServiceUri, string? clientId)
    {
        ConnectionString = connectionString;
        TableServiceUri = tableServiceUri;
        QueueServiceUri = queueServiceUri;
        ClientId = clientId;
    }

    public string? ConnectionString { get; }
    public Uri? TableServiceUri { get; }
    public Uri? QueueServiceUri { get; }
    public string? ClientId { get; }

    public static StorageConnection FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration[SettingName];
        if (!string.IsNullOrWhiteSpace(connectionString))
            return new StorageConnection(connectionString, null, null, null);

        var section = configuration.GetSection(SettingName);
        var tableUri = section["tableServiceUri"];
        var queueUri = section["queueServiceUri"];
        if (!string.IsNullOrWhiteSpace(tableUri) && !string.IsNullOrWhiteSpace(queueUri))
            return new StorageConnection(null, new Uri(tableUri), new Uri(queueUri), section["clientId"]);

        throw new InvalidOperationException(
            $"Storage is not configured: set '{SettingName}' to a connection string, or " +
            $"'{SettingName}__tableServiceUri' and '{SettingName}__queueServiceUri' for identity-based access.");
    }

    public TableServiceClient CreateTableServiceClient()
    {
        var options = new TableClientOptions();
        ApplyRetryPolicy(options);
        return ConnectionString is not null
            ? new TableServiceClient(ConnectionString, options)
            : new TableServiceClient(TableServiceUri!, CreateCredential(), options);
    }

    /// <summary>Base64 message encoding by default, as the queue trigger expects.</summary>
    public QueueServiceClient CreateQueueServiceClient(QueueMessageEncoding encoding = QueueMessageEncoding.Base64)
    {
        var options = new QueueClientOptions { MessageEncoding = encoding };
        ApplyRetryPolicy(options);
        return ConnectionString is not null
            ? new QueueServiceClient(ConnectionString, options)
            : new QueueServiceClient(QueueServiceUri!, CreateCredential(), options);
    }

    private TokenCredential CreateCredential() =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId });

    /// <summary>
    /// A few quick retries: a request to unreachable storage should become a 503 within seconds, and the caller
    /// (a client with Idempotency-Key, or the queue host) retries at its own pace.
    /// </summary>
    private static void ApplyRetryPolicy(ClientOptions options)
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}
