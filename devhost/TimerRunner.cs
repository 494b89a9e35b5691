using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using NCrontab;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.DevHost;

/// <summary>A timer trigger's schedule: NCRONTAB with seconds (<c>0 */5 * * * *</c>) or a fixed interval (<c>00:05:00</c>), in UTC.</summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan? _interval;

    private TimerSchedule(string expression, CrontabSchedule? cron, TimeSpan? interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    public string Expression { get; }

    public static TimerSchedule Parse(string expression)
    {
        var cron = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        if (cron is not null)
            return new TimerSchedule(expression, cron, null);
        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
            return new TimerSchedule(expression, null, interval);
        throw new FormatException($"'{expression}' is neither a 6-field NCRONTAB expression nor a time span.");
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after)
    {
        if (_interval is { } interval)
            return after + interval;
        var next = _cron!.GetNextOccurrence(after.UtcDateTime);
        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }
}

/// <summary>
/// Runs one timer-triggered function on its schedule against a <see cref="TimeProvider"/> (the tests pass a fake).
/// One invocation at a time: the next occurrence is waited for only after the current run ends. A run that starts
/// later than its occurrence (the host was busy, stopped or asleep) gets <c>IsPastDue</c>, and missed occurrences
/// are not run one by one — as in the Functions host.
/// </summary>
public sealed class TimerRunner(
    string functionName,
    TimerSchedule schedule,
    bool runOnStartup,
    Func<TimerInfo, CancellationToken, Task> invoke,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>How late a run may start and still be on time (timers fire a little late on a busy machine).</summary>
    public static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs until cancelled. The first wait is registered with the time provider before this method first yields,
    /// so a test may advance a fake clock as soon as the call returns.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? last = null;
        var next = schedule.NextAfter(time.GetUtcNow());
        if (runOnStartup)
        {
            last = time.GetUtcNow();
            await FireAsync(last.Value, last.Value, next, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = next - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = time.GetUtcNow();
            var scheduled = next;
            next = schedule.NextAfter(now);
            await FireAsync(scheduled, now, next, stoppingToken, last);
            last = scheduled;
        }
    }

    private async Task FireAsync(DateTimeOffset scheduled, DateTimeOffset now, DateTimeOffset next, CancellationToken stoppingToken,
        DateTimeOffset? last = null)
    {
        var pastDue = now - scheduled > PastDueTolerance;
        var timer = new TimerInfo
        {
            IsPastDue = pastDue,
            ScheduleStatus = new ScheduleStatus { Last = (last ?? scheduled).UtcDateTime, Next = next.UtcDateTime, LastUpdated = now.UtcDateTime },
        };
        if (pastDue)
            logger.LogWarning(LogEvents.TimerPastDue, "Timer {FunctionName} is past due: scheduled {Scheduled:o}, running {Now:o}",
                functionName, scheduled, now);
        else
            logger.LogInformation(LogEvents.TimerFired, "Timer {FunctionName} fired for {Scheduled:o}", functionName, scheduled);

        try
        {
            await invoke(timer, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // A failed run does not stop the schedule, as in the Functions host.
            logger.LogError(LogEvents.TimerFailed, exception, "Timer {FunctionName} failed", functionName);
        }
    }
}
