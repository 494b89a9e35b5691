using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Timers;

/// <summary>Every 5 minutes: completes allocations whose participant row or messages a crash or outage left undone.</summary>
public sealed class CompleteAllocations(CompletePendingAllocations sweep, ILogger<CompleteAllocations> logger)
{
    /// <summary>Every 5 minutes, at second 30 (off the minute, when the reminder timer runs).</summary>
    public const string Schedule = "30 */5 * * * *";

    [Function(nameof(CompleteAllocations))]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var completed = await sweep.RunAsync(cancellationToken).ConfigureAwait(false);
        if (timer.IsPastDue || completed > 0)
            logger.LogInformation(LogEvents.AllocationSweep, "Allocation sweep completed {Completed} (past due: {IsPastDue})",
                completed, timer.IsPastDue);
    }
}
