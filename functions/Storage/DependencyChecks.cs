using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace RpsServerless.Functions.Storage;

/// <summary>One dependency the app cannot work without, probed by <c>GET /api/health</c>.</summary>
public interface IDependencyCheck
{
    string Name { get; }

    /// <summary>Throws when the dependency cannot be reached.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Table storage: provisioned, and every table of the app answers a query (that matches nothing).</summary>
public sealed class TablesCheck(TableServiceClient tables, StorageProvisioner provisioner) : IDependencyCheck
{
    public string Name => "tables";

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(TableNames.All.Select(async name =>
            {
                var query = tables.GetTableClient(name).QueryAsync<TableEntity>(
                    filter: "PartitionKey eq '~health'", maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken);
                await foreach (var _ in query.AsPages().ConfigureAwait(false))
                    break;
            })).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            provisioner.Invalidate();
            throw;
        }
    }
}

/// <summary>Queue storage: provisioned, and every queue of the app answers.</summary>
public sealed class QueuesCheck(QueueServiceClient queues, StorageProvisioner provisioner) : IDependencyCheck
{
    public string Name => "queues";

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(QueueNames.All.Select(name =>
                queues.GetQueueClient(name).GetPropertiesAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            provisioner.Invalidate();
            throw;
        }
    }
}
