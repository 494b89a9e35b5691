using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Workflows.Outcomes;

namespace RpsServerless.Functions.Timers;

/// <summary>
/// Every minute: the SAE alarms that are due — a first <c>sae_report_due</c> notification the request could not send,
/// and the escalation of each clock whose 24 hours ran out without the sponsor report marked sent.
/// </summary>
public sealed class SaeReportClock(ReleaseSaeAlarms release, ILogger<SaeReportClock> logger)
{
    /// <summary>At second 0 of every minute (NCRONTAB with seconds): an escalation is at most a minute late.</summary>
    public const string Schedule = "0 * * * * *";

    [Function(nameof(SaeReportClock))]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (timer.IsPastDue)
            logger.LogInformation(LogEvents.TimerPastDue, "SAE report clock ran late: catching up on every due alarm");
        await release.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
