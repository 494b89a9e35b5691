using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Timers;

/// <summary>Every minute: due reminders become notifications (see <see cref="ReleaseReminders"/> for the ordering).</summary>
public sealed class ReleaseDueReminders(ReleaseReminders release)
{
    /// <summary>NCRONTAB with seconds: second 0 of every minute. The host runs one instance at a time (singleton).</summary>
    public const string Schedule = "0 */1 * * * *";

    [Function(nameof(ReleaseDueReminders))]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        release.RunAsync(cancellationToken);
}
