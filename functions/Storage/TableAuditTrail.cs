using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Audit;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.Functions.Storage;

/// <summary>
/// The audit trail in table <c>AuditTrail</c>, one partition (<see cref="Partition"/>) so the chain has one total
/// order. Rows: the chain head (<c>head</c>: last sequence and hash), records (<c>r</c> + 19-digit sequence) and event
/// keys (<c>e</c> + key → sequence). An append is one entity-group transaction: replace the head if its ETag is still
/// the one read, add the records, add their event keys. Two appenders racing for the same sequence: one transaction
/// wins, the other re-reads the head and retries. Records are only ever added.
/// </summary>
public sealed class TableAuditTrail(
    TableServiceClient tableService, StorageProvisioner provisioner, TimeProvider time, ILogger<TableAuditTrail> logger) : IAuditTrail
{
    public const string Partition = "chain";
    public const string HeadRow = "head";
    private const int MaxAttempts = 50;

    private TableClient Table => tableService.GetTableClient(TableNames.AuditTrail);

    public static string RecordRow(long sequence) => "r" + sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static string EventRow(string eventKey) => "e" + TableKeys.Escape(eventKey);

    /// <summary>
    /// Records per entity-group transaction at most: each takes up to two actions (record and event key) beside the
    /// head's one, within the 100 actions a transaction allows.
    /// </summary>
    private const int MaxBatch = 40;

    private readonly SemaphoreSlim _writerTurn = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingAppend> _pending = new();

    /// <summary>
    /// The head as this instance last wrote it, with its ETag; used only in the writer's turn. The next batch chains
    /// onto it without reading the head back; if another instance appended meanwhile, the ETag no longer matches and
    /// the batch is chained again from a fresh read.
    /// </summary>
    private (AuditHead Head, ETag ETag)? _lastHead;

    private sealed record PendingAppend(AuditEntry Entry, string? EventKey)
    {
        public TaskCompletionSource<AuditRecord> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Appends with a group commit: every caller queues its entry; whoever holds the writer's turn appends everything
    /// queued so far (up to <see cref="MaxBatch"/>) in one transaction and answers each caller. Appenders in this
    /// instance therefore never race each other for the head; another instance's appender still can, and the ETag
    /// check makes the loser re-read the head and chain its batch again.
    /// </summary>
    public async Task<AuditRecord> RecordAsync(AuditActor actor, AuditChange change, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var entry = new AuditEntry(time.GetUtcNow(), actor.Id, actor.Role, change.Action, change.EntityType, change.EntityId,
            change.SiteId, AuditStates.Hash(change.Before), AuditStates.Hash(change.After), change.Reason, actor.RequestId,
            change.ProtocolVersion);
        var pending = new PendingAppend(entry, change.EventKey);
        _pending.Enqueue(pending);

        while (!pending.Done.Task.IsCompleted)
        {
            await _writerTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (pending.Done.Task.IsCompleted) break;
                var batch = new List<PendingAppend>();
                while (batch.Count < MaxBatch && _pending.TryDequeue(out var next)) batch.Add(next);
                // The batch carries other callers' records: one caller giving up must not fail theirs.
                await AppendBatchAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _writerTurn.Release();
            }
        }
        return await pending.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Appends <paramref name="batch"/> and completes each of its callers, with its record or the failure.</summary>
    private async Task AppendBatchAsync(List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                // The first attempt is optimistic: it reads nothing, chaining onto the head this instance last wrote and
                // taking every event as new. An event recorded already (a retried request's) makes the transaction fail
                // on its event key, as does a head moved by another instance; every later attempt reads both first.
                var optimistic = attempt == 1 && _lastHead is not null;
                var recorded = new Dictionary<string, AuditRecord>(StringComparer.Ordinal);
                if (!optimistic)
                    foreach (var key in batch.Select(p => p.EventKey).OfType<string>().Distinct(StringComparer.Ordinal))
                        if (await FindEventAsync(key, cancellationToken).ConfigureAwait(false) is { } existing)
                            recorded[key] = existing;

                (AuditHead Head, ETag ETag)? stored;
                if (optimistic)
                    stored = _lastHead;
                else
                {
                    var head = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, HeadRow, cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                    stored = head.HasValue
                        ? (new AuditHead(head.Value!.GetInt64("Sequence") ?? 0, head.Value.GetString("Hash") ?? AuditChain.GenesisHash), head.Value.ETag)
                        : null;
                }
                _lastHead = null;
                var current = stored?.Head ?? AuditHead.Empty;

                var records = new List<(PendingAppend Pending, AuditRecord Record, bool IsNew)>();
                var actions = new List<TableTransactionAction>();
                foreach (var pending in batch)
                {
                    if (pending.EventKey is { } key && recorded.TryGetValue(key, out var earlier))
                    {
                        records.Add((pending, earlier, false));
                        continue;
                    }
                    var record = AuditChain.Append(current, pending.Entry with { RecordedAt = time.GetUtcNow() });
                    current = new AuditHead(record.Sequence, record.Hash);
                    records.Add((pending, record, true));
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, ToEntity(record)));
                    if (pending.EventKey is { } eventKey)
                    {
                        recorded[eventKey] = record;
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                            new TableEntity(Partition, EventRow(eventKey)) { ["Sequence"] = record.Sequence }));
                    }
                }

                if (actions.Count > 0)
                {
                    var newHead = new TableEntity(Partition, HeadRow) { ["Sequence"] = current.Sequence, ["Hash"] = current.Hash };
                    actions.Insert(0, stored is { } before
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, before.ETag)
                        : new TableTransactionAction(TableTransactionActionType.Add, newHead));
                    try
                    {
                        var responses = await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                        if (responses.Value[0].Headers.ETag is { } written)
                            _lastHead = (current, written);
                    }
                    catch (TableTransactionFailedException exception) when (exception.Status is 409 or 412)
                    {
                        // Another instance moved the head first, or one of these events is recorded already: read again.
                        if (optimistic) continue;
                        // Information, not Debug: operations alert on sustained contention (docs/operations.md).
                        logger.LogInformation(LogEvents.AuditAppendContended, "Audit append contended on attempt {Attempt}", attempt);
                        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + 5 * Math.Min(attempt, 10))),
                            cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                else if (stored is { } unchanged)
                    _lastHead = unchanged; // nothing appended: the head read is still the head

                // A new record is logged at Debug: the record itself is in the trail (GET /api/audit), and a line per
                // append would double the log volume of every write.
                foreach (var (pending, record, isNew) in records)
                {
                    if (isNew)
                        logger.LogDebug(LogEvents.AuditRecorded, "Audit {Sequence} {Action} {EntityType} {EntityId}",
                            record.Sequence, record.Action, record.EntityType, record.EntityId);
                    else
                        logger.LogInformation(LogEvents.AuditAlreadyRecorded, "Audit event already recorded as {Sequence}", record.Sequence);
                    pending.Done.TrySetResult(record);
                }
                return;
            }
            throw new TimeoutException($"The audit trail stayed contended for {MaxAttempts} attempts.");
        }
        catch (Exception exception)
        {
            // Storage down, contention that never ended, or cancellation: every caller in the batch learns it and
            // answers as it would have alone (503, or the caller's retry).
            foreach (var pending in batch) pending.Done.TrySetException(exception);
        }
    }

    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {RecordRow(query.AfterSequence)} and RowKey lt {"s"}");
        if (query.EntityType is { } type)
            filter += " and " + TableClient.CreateQueryFilter($"EntityType eq {type}");
        if (query.EntityId is { } id)
            filter += " and " + TableClient.CreateQueryFilter($"EntityId eq {id}");

        var records = new List<AuditRecord>(query.PageSize + 1);
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, query.PageSize + 1),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(FromEntity(entity));
            if (records.Count > query.PageSize) break;
        }
        var more = records.Count > query.PageSize;
        if (more) records.RemoveAt(records.Count - 1);
        return new AuditPage(records, more ? records[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null);
    }

    public async Task<AuditHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var head = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, HeadRow, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return head.HasValue
            ? new AuditHead(head.Value!.GetInt64("Sequence") ?? 0, head.Value.GetString("Hash") ?? "")
            : AuditHead.Empty;
    }

    public async IAsyncEnumerable<AuditRecord> ReadChainAsync(long upToSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and RowKey gt {RecordRow(0)} and RowKey le {RecordRow(upToSequence)}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
            yield return FromEntity(entity);
    }

    private async Task<AuditRecord?> FindEventAsync(string eventKey, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, EventRow(eventKey), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!row.HasValue || row.Value!.GetInt64("Sequence") is not { } sequence)
            return null;
        var record = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, RecordRow(sequence), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return record.HasValue ? FromEntity(record.Value!) : null;
    }

    private static TableEntity ToEntity(AuditRecord record) => new(Partition, RecordRow(record.Sequence))
    {
        ["Sequence"] = record.Sequence,
        // Kept as the exact text that was hashed: a DateTime column would round it.
        ["RecordedAt"] = AuditChain.FormatInstant(record.RecordedAt),
        ["ActorId"] = record.ActorId,
        ["ActorRole"] = record.ActorRole,
        ["Action"] = record.Action,
        ["EntityType"] = record.EntityType,
        ["EntityId"] = record.EntityId,
        ["SiteId"] = record.SiteId,
        ["BeforeHash"] = record.BeforeHash,
        ["AfterHash"] = record.AfterHash,
        ["Reason"] = record.Reason,
        ["RequestId"] = record.RequestId,
        ["ProtocolVersion"] = record.ProtocolVersion,
        ["PreviousHash"] = record.PreviousHash,
        ["Hash"] = record.Hash,
    };

    /// <summary>A stored row as it is, whatever was done to it: never throws, so verification can name an altered row.</summary>
    internal static AuditRecord FromEntity(TableEntity entity)
    {
        var sequence = entity.TryGetValue("Sequence", out var s) && s is long n ? n
            : long.TryParse(entity.RowKey.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var fromKey) ? fromKey : 0;
        var recordedAt = DateTimeOffset.TryParseExact(Text("RecordedAt"), "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant) ? instant : DateTimeOffset.UnixEpoch;
        return new AuditRecord(sequence, recordedAt, Text("ActorId") ?? "", Text("ActorRole") ?? "", Text("Action") ?? "",
            Text("EntityType") ?? "", Text("EntityId") ?? "", Text("SiteId"), Text("BeforeHash"), Text("AfterHash"), Text("Reason"),
            Text("RequestId"), Text("ProtocolVersion"), Text("PreviousHash") ?? "", Text("Hash") ?? "");

        string? Text(string name) => entity.TryGetValue(name, out var value) ? value?.ToString() : null;
    }
}
