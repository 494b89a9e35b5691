using System.Threading.Channels;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.DevHost;

namespace RpsServerless.Integration.Tests;

/// <summary>The devhost's timer runner on a fake clock: NCRONTAB with seconds, IsPastDue, one run at a time.</summary>
public class TimerRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 2, 30, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static DateTime At(int hour, int minute) => new(2026, 11, 29, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public async Task FiresOnSchedule_AndOnceWithIsPastDueAfterMissedRuns()
    {
        var time = new FakeTimeProvider(Start);
        var fired = Channel.CreateUnbounded<TimerInfo>();
        var runner = new TimerRunner("Every5Minutes", TimerSchedule.Parse("0 */5 * * * *"), runOnStartup: false,
            (timer, _) => { fired.Writer.TryWrite(timer); return Task.CompletedTask; }, time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        time.Advance(TimeSpan.FromMinutes(2)); // 10:04:30: not yet
        Assert.False(fired.Reader.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(30)); // 10:05:00
        var onTime = await Eventually.WithinAsync(fired.Reader.ReadAsync().AsTask(), Patience, "the 10:05 run");
        Assert.False(onTime.IsPastDue);
        Assert.Equal(At(10, 10), onTime.ScheduleStatus!.Next);

        time.Advance(TimeSpan.FromMinutes(22)); // 10:27: 10:10, 10:15, 10:20 and 10:25 were missed
        var late = await Eventually.WithinAsync(fired.Reader.ReadAsync().AsTask(), Patience, "the late run");
        Assert.True(late.IsPastDue);
        Assert.Equal(At(10, 30), late.ScheduleStatus!.Next);

        time.Advance(TimeSpan.FromMinutes(3)); // 10:30: back on schedule, with no catch-up runs in between
        var next = await Eventually.WithinAsync(fired.Reader.ReadAsync().AsTask(), Patience, "the 10:30 run");
        Assert.False(next.IsPastDue);
        Assert.Equal(At(10, 35), next.ScheduleStatus!.Next);

        await stop.CancelAsync();
        await running.WaitAsync(Patience);
    }

    [Fact]
    public async Task RunsOneInvocationAtATime()
    {
        var time = new FakeTimeProvider(Start);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Channel.CreateUnbounded<TimerInfo>();
        int running = 0, maxRunning = 0, calls = 0;
        var runner = new TimerRunner("EveryMinute", TimerSchedule.Parse("0 * * * * *"), runOnStartup: false, async (timer, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            started.Writer.TryWrite(timer);
            if (Interlocked.Increment(ref calls) == 1) await release.Task;
            Interlocked.Decrement(ref running);
        }, time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var loop = runner.RunAsync(stop.Token);

        time.Advance(TimeSpan.FromSeconds(30)); // 10:03:00
        var first = await Eventually.WithinAsync(started.Reader.ReadAsync().AsTask(), Patience, "the first run");
        time.Advance(TimeSpan.FromMinutes(5)); // several occurrences pass while the first run is still going
        Assert.False(started.Reader.TryRead(out _));

        release.SetResult();
        var second = await Eventually.WithinAsync(started.Reader.ReadAsync().AsTask(), Patience, "the run after the long one");
        Assert.False(first.IsPastDue);
        Assert.True(second.IsPastDue);
        Assert.Equal(1, maxRunning);

        await stop.CancelAsync();
        await loop.WaitAsync(Patience);
    }

    [Fact]
    public async Task RunOnStartup_FiresImmediately()
    {
        var time = new FakeTimeProvider(Start);
        var fired = Channel.CreateUnbounded<TimerInfo>();
        using var stop = new CancellationTokenSource();
        var loop = new TimerRunner("Startup", TimerSchedule.Parse("0 0 3 * * *"), runOnStartup: true,
            (timer, _) => { fired.Writer.TryWrite(timer); return Task.CompletedTask; }, time, NullLogger.Instance).RunAsync(stop.Token);
        var first = await Eventually.WithinAsync(fired.Reader.ReadAsync().AsTask(), Patience, "the startup run");
        Assert.False(first.IsPastDue);
        await stop.CancelAsync();
        await loop.WaitAsync(Patience);
    }

    [Theory]
    [InlineData("0 17 3 * * *", "2026-11-30T03:17:00Z")]
    [InlineData("*/30 * * * * *", "2026-11-29T10:03:00Z")]
    [InlineData("00:05:00", "2026-11-29T10:07:30Z")]
    public void Schedule_NextOccurrence(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), TimerSchedule.Parse(expression).NextAfter(Start));

    [Fact]
    public void FiveFieldCron_IsRefused_AsTheFunctionsHostDoes() =>
        Assert.Throws<FormatException>(() => TimerSchedule.Parse("*/5 * * * *"));

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
