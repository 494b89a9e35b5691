using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http.Idempotency;

namespace RpsServerless.Functions.Storage;

/// <summary>
/// Idempotency records in table <c>IdempotencyRecords</c>: PartitionKey = caller, RowKey = key. Race safety comes
/// from insert-first: the request whose insert of an "in progress" record succeeds runs; every later change of
/// the record is ETag-checked, so a takeover of an expired or abandoned record is also won by exactly one.
/// </summary>
public sealed class TableIdempotencyStore(
    TableServiceClient tableService,
    StorageProvisioner provisioner,
    IdempotencyOptions options,
    TimeProvider time,
    ILogger<TableIdempotencyStore> logger) : IIdempotencyStore
{
    private const string InProgress = "in_progress";
    private const string Completed = "completed";

    // A table property holds at most 64 KiB; an entity at most 1 MiB. Bodies are split across binary properties.
    private const int ChunkBytes = 60 * 1024;
    private const int MaxChunks = 14;

    private TableClient Table => tableService.GetTableClient(TableNames.IdempotencyRecords);

    public async Task<IdempotencyBegin> BeginAsync(string callerId, string key, string requestHash, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var partitionKey = TableKeys.Escape(callerId);
        var rowKey = TableKeys.Escape(key);

        // Bounded: each round ends in a decision unless another request changed the record in between.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.GetUtcNow();
            var fresh = NewInProgress(partitionKey, rowKey, requestHash, now);
            try
            {
                var added = await Table.AddEntityAsync(fresh, cancellationToken).ConfigureAwait(false);
                return new IdempotencyBegin.Started(new IdempotencyLease(callerId, key, requestHash, added.Headers.ETag!.Value.ToString()));
            }
            catch (RequestFailedException exception) when (exception.Status == 409)
            {
                // Someone holds or held this key: decide from their record.
            }

            TableEntity existing;
            try
            {
                existing = (await Table.GetEntityAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                continue; // released in between: try the insert again
            }

            var expired = existing.GetDateTimeOffset("ExpiresAt") <= now;
            var state = existing.GetString("State");
            var leaseEnds = existing.GetDateTimeOffset("LeaseExpiresAt") ?? DateTimeOffset.MinValue;
            var abandoned = state == InProgress && leaseEnds <= now;

            if (!expired && existing.GetString("RequestHash") != requestHash)
                return new IdempotencyBegin.Mismatch();
            if (!expired && state == Completed)
                return new IdempotencyBegin.Replay(ReadResponse(existing));
            if (!expired && !abandoned)
                return new IdempotencyBegin.InProgress(leaseEnds - now);

            try
            {
                var replaced = await Table.UpdateEntityAsync(fresh, existing.ETag, TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                return new IdempotencyBegin.Started(new IdempotencyLease(callerId, key, requestHash, replaced.Headers.ETag!.Value.ToString()));
            }
            catch (RequestFailedException exception) when (exception.Status is 412 or 404)
            {
                // Another request took it over (or released it) first: look again.
            }
        }
        return new IdempotencyBegin.InProgress(TimeSpan.FromSeconds(1));
    }

    public async Task CompleteAsync(IdempotencyLease lease, StoredResponse response, CancellationToken cancellationToken)
    {
        var chunkCount = (response.Body.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunkCount > MaxChunks)
        {
            logger.LogWarning(LogEvents.IdempotencyResponseNotStored,
                "Response of {Length} bytes too large to keep for replay; the key is released", response.Body.Length);
            await ReleaseAsync(lease, cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        var entity = new TableEntity(TableKeys.Escape(lease.CallerId), TableKeys.Escape(lease.Key))
        {
            ["State"] = Completed,
            ["RequestHash"] = lease.RequestHash,
            ["CompletedAt"] = now,
            ["ExpiresAt"] = now + options.Retention,
            ["StatusCode"] = response.StatusCode,
            ["ContentType"] = response.ContentType,
            ["Location"] = response.Location,
            ["BodyChunks"] = chunkCount,
        };
        for (var i = 0; i < chunkCount; i++)
        {
            var offset = i * ChunkBytes;
            entity[$"Body{i}"] = response.Body.AsSpan(offset, Math.Min(ChunkBytes, response.Body.Length - offset)).ToArray();
        }

        try
        {
            await Table.UpdateEntityAsync(entity, new ETag(lease.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            // Our lease ran out and another request took the key over; its answer is the one to keep.
            logger.LogWarning(LogEvents.IdempotencyResponseNotStored,
                "Idempotency record changed while the request ran (lease expired); response not stored");
        }
    }

    public async Task ReleaseAsync(IdempotencyLease lease, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(TableKeys.Escape(lease.CallerId), TableKeys.Escape(lease.Key), new ETag(lease.ETag),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            // Already taken over or gone: nothing of ours to release.
        }
    }

    /// <summary>Deletes records past their retention. Returns how many went.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var deleted = 0;
        var expired = Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
        await foreach (var entity in expired.ConfigureAwait(false))
        {
            try
            {
                await Table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
            catch (RequestFailedException exception) when (exception.Status is 412 or 404)
            {
                // Reused or deleted meanwhile.
            }
        }
        return deleted;
    }

    private TableEntity NewInProgress(string partitionKey, string rowKey, string requestHash, DateTimeOffset now) =>
        new(partitionKey, rowKey)
        {
            ["State"] = InProgress,
            ["RequestHash"] = requestHash,
            ["StartedAt"] = now,
            ["LeaseExpiresAt"] = now + options.InProgressLease,
            ["ExpiresAt"] = now + options.Retention,
        };

    private static StoredResponse ReadResponse(TableEntity entity)
    {
        var chunks = entity.GetInt32("BodyChunks") ?? 0;
        using var body = new MemoryStream();
        for (var i = 0; i < chunks; i++)
            body.Write(entity.GetBinary($"Body{i}"));
        return new StoredResponse(entity.GetInt32("StatusCode") ?? 500, entity.GetString("ContentType"), body.ToArray(),
            entity.GetString("Location"));
    }
}
