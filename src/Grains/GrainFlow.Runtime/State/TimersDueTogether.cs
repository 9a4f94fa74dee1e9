namespace GrainFlow.Runtime.State;

/// <summary>
/// The timers of one due time, set aside together and handed out key group by key group. When the
/// watermark passes the end of tumbling or sliding windows, every key's window of that end fires at
/// once (tens of thousands of timers over a million keys); taken in the order they were registered,
/// each would look up its timer and its window's contents in a different key group's dictionary, most
/// of them out of the cache by then. Grouped by key group, the lookups of one group run one after the
/// other in the same two dictionaries. Timers of one time have no order among them (neither in Flink).
/// </summary>
internal sealed class TimersDueTogether<T>(int keyGroupCount, Func<T, int> groupIndexOf)
{
    private readonly int[] _groupStarts = new int[keyGroupCount + 1];
    private T[] _added = [];
    private T[] _byGroup = [];
    private int _count;
    private int _next;

    /// <summary>The due time of the timers set aside.</summary>
    public long Time { get; private set; }

    /// <summary>Whether timers set aside are still to be taken.</summary>
    public bool Any => _next < _count;

    /// <summary>Sets <paramref name="timer"/> aside; <see cref="Seal"/> when every timer of the time is added.</summary>
    public void Add(T timer)
    {
        if (_count == _added.Length) Array.Resize(ref _added, Math.Max(64, _count * 2));
        _added[_count++] = timer;
    }

    /// <summary>Orders the timers set aside by key group (a counting sort: the groups are few, the timers many).</summary>
    public void Seal(long time)
    {
        Time = time;
        _next = 0;
        if (_byGroup.Length < _count) _byGroup = new T[_added.Length];
        Array.Clear(_groupStarts);
        for (var i = 0; i < _count; i++) _groupStarts[groupIndexOf(_added[i]) + 1]++;
        for (var g = 1; g < _groupStarts.Length; g++) _groupStarts[g] += _groupStarts[g - 1];
        for (var i = 0; i < _count; i++) _byGroup[_groupStarts[groupIndexOf(_added[i])]++] = _added[i];
        // The timers are read from the ordered copy from now on: this array keeps none of their keys alive.
        Array.Clear(_added, 0, _count);
    }

    /// <summary>The next timer set aside, in key group order.</summary>
    public T Take()
    {
        var timer = _byGroup[_next];
        _byGroup[_next++] = default!;
        if (_next == _count) _next = _count = 0;
        return timer;
    }
}
