using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Timers;

/// <summary>Daily: deletes idempotency records past their retention (api.md keeps keys at least 24 hours).</summary>
public sealed class PurgeIdempotencyRecords(TableIdempotencyStore store, ILogger<PurgeIdempotencyRecords> logger)
{
    /// <summary>03:17 UTC every day (NCRONTAB with seconds): a quiet hour at every site, off the full hour.</summary>
    public const string Schedule = "0 17 3 * * *";

    [Function(nameof(PurgeIdempotencyRecords))]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var deleted = await store.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.IdempotencyRecordsPurged, "Purged {Count} expired idempotency records (past due: {IsPastDue})",
            deleted, timer.IsPastDue);
    }
}
