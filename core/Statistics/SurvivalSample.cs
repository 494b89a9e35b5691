namespace RpsServerless.Core.Statistics;

/// <summary>
/// Right-censored times to event of one or more groups (arms), held column-wise so that a million subjects cost three
/// arrays rather than a million objects. Fill it with <see cref="Add(int, double, bool)"/>, then analyse it with
/// <see cref="SurvivalAnalysis.Analyse"/>.
/// </summary>
public sealed class SurvivalSample
{
    private readonly List<string> _groups = [];
    private readonly Dictionary<string, int> _groupIndex = new(StringComparer.Ordinal);
    private int[] _group;
    private double[] _time;
    private bool[] _event;

    public SurvivalSample(int expectedCount = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        var capacity = Math.Max(expectedCount, 4);
        _group = new int[capacity];
        _time = new double[capacity];
        _event = new bool[capacity];
    }

    /// <summary>Group names in the order they were first added; <see cref="Add(int, double, bool)"/> uses these indices.</summary>
    public IReadOnlyList<string> Groups => _groups;

    /// <summary>Number of subjects added.</summary>
    public int Count { get; private set; }

    internal ReadOnlySpan<int> GroupOf => _group.AsSpan(0, Count);

    internal ReadOnlySpan<double> Times => _time.AsSpan(0, Count);

    internal ReadOnlySpan<bool> Events => _event.AsSpan(0, Count);

    /// <summary>The index of <paramref name="name"/>, adding the group when it is new.</summary>
    public int Group(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_groupIndex.TryGetValue(name, out var index)) return index;
        index = _groups.Count;
        _groups.Add(name);
        _groupIndex.Add(name, index);
        return index;
    }

    /// <summary>Adds one subject of a group by name.</summary>
    public void Add(string group, double time, bool isEvent) => Add(Group(group), time, isEvent);

    /// <summary>Adds one subject: its time (event or censoring) and whether the time is an event.</summary>
    /// <param name="group">An index returned by <see cref="Group"/>.</param>
    /// <param name="time">Non-negative and finite.</param>
    /// <param name="isEvent"><c>true</c> for an event, <c>false</c> for a censored time.</param>
    public void Add(int group, double time, bool isEvent)
    {
        if ((uint)group >= (uint)_groups.Count)
            throw new ArgumentOutOfRangeException(nameof(group), group, "Not an index returned by Group(name).");
        if (!double.IsFinite(time) || time < 0)
            throw new ArgumentOutOfRangeException(nameof(time), time, "Times must be finite and non-negative.");
        if (Count == _time.Length)
        {
            var capacity = checked(_time.Length * 2);
            Array.Resize(ref _group, capacity);
            Array.Resize(ref _time, capacity);
            Array.Resize(ref _event, capacity);
        }
        _group[Count] = group;
        _time[Count] = time;
        _event[Count] = isEvent;
        Count++;
    }
}
