using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.Functions.Storage;

/// <summary>
/// Creates the app's tables and queues if they are missing: once per process, at start. If storage is down at
/// start, the next caller of <see cref="EnsureProvisionedAsync"/> tries again; once it has succeeded it costs nothing.
/// </summary>
public sealed class StorageProvisioner(
    TableServiceClient tables, QueueServiceClient queues, ILogger<StorageProvisioner> logger)
{
    private readonly Lock _gate = new();
    private Task? _provisioning;

    public Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_provisioning is null || _provisioning.IsFaulted || _provisioning.IsCanceled)
                _provisioning = ProvisionAsync();
            task = _provisioning;
        }
        return task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Storage says a table or queue of the app does not exist (an emulator restarted without its data, someone
    /// deleted it): provision again on the next call.
    /// </summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            if (_provisioning is { IsCompleted: true })
                _provisioning = null;
        }
    }

    private async Task ProvisionAsync()
    {
        // Not tied to one caller's token: a caller that gives up must not cancel the work for the others.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var table in TableNames.All)
            await tables.CreateTableIfNotExistsAsync(table, timeout.Token).ConfigureAwait(false);
        foreach (var queue in QueueNames.All)
            await queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
        logger.LogInformation(LogEvents.StorageProvisioned,
            "Storage ready: {TableCount} tables and {QueueCount} queues", TableNames.All.Count, QueueNames.All.Count);
    }
}

/// <summary>Provisions storage when the host starts; a failure is logged, not fatal (see <see cref="StorageProvisioner"/>).</summary>
public sealed class StorageProvisioningService(StorageProvisioner provisioner, ILogger<StorageProvisioningService> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (StorageFailures.IsUnavailable(exception))
        {
            logger.LogWarning(LogEvents.StorageUnavailable, exception,
                "Storage unreachable at start; provisioning will be retried on first use");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
