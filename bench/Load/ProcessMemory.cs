using System.Globalization;

namespace RpsServerless.Bench.Load;

/// <summary>
/// Samples a process's resident memory from <c>/proc/&lt;pid&gt;/status</c> every 100 ms: the largest VmRSS seen and
/// the kernel's own high-water mark (VmHWM, which also catches peaks between samples).
/// </summary>
public sealed class ProcessMemory : IAsyncDisposable
{
    private readonly string _path;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public ProcessMemory(int pid)
    {
        _path = $"/proc/{pid}/status";
        _sampling = Task.Run(SampleAsync);
    }

    public long MaxRssKiB { get; private set; }
    public long HighWaterKiB { get; private set; }
    public long LastRssKiB { get; private set; }

    /// <summary>Restarts the sampled maximum (VmHWM cannot be reset from outside; it covers the process's life).</summary>
    public void ResetMax() => MaxRssKiB = LastRssKiB;

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Read();
            try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { break; }
        }
    }

    public void Read()
    {
        string[] lines;
        try { lines = File.ReadAllLines(_path); } catch (IOException) { return; }
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                LastRssKiB = KiB(line);
                MaxRssKiB = Math.Max(MaxRssKiB, LastRssKiB);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                HighWaterKiB = Math.Max(HighWaterKiB, KiB(line));
            }
        }
    }

    private static long KiB(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Read();
        _stop.Dispose();
    }
}
