using System.Collections.Concurrent;

namespace RpsServerless.Bench.Load;

/// <summary>Latencies (ms) and answer statuses of one phase, collected from many clients.</summary>
public sealed class Latencies
{
    private readonly ConcurrentQueue<double> _milliseconds = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new();

    public void Add(double milliseconds) => _milliseconds.Enqueue(milliseconds);

    public void Count(int status) => _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);

    public int Samples => _milliseconds.Count;

    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    public int CountOf(Func<int, bool> which) => _statuses.Where(s => which(s.Key)).Sum(s => s.Value);

    /// <summary>Nearest-rank percentile; NaN when nothing was measured.</summary>
    public double Percentile(double p)
    {
        var sorted = _milliseconds.ToArray();
        if (sorted.Length == 0) return double.NaN;
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public string StatusSummary() =>
        string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}×{(s.Key == 0 ? "no answer" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
}
