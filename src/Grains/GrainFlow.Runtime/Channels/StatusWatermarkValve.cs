namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Combines the watermarks and watermark statuses of a subtask's input channels into the subtask's
/// own (Flink's <c>StatusWatermarkValve</c>): its watermark is the minimum over the channels that are
/// active and aligned, and never goes backwards. An idle channel stops holding it back; when it becomes
/// active again it rejoins the minimum only once its watermark has caught up with the output, so the
/// output never goes back. When every channel is idle the subtask is idle (after advancing to the
/// highest watermark of any channel, as Flink does). An ended channel counts as <see cref="long.MaxValue"/>.
/// Each call returns what to send downstream, in order: a new watermark and/or a status change.
/// </summary>
internal sealed class StatusWatermarkValve
{
    private readonly Dictionary<(int Edge, int Sender), int> _indexes = new();
    private readonly ChannelState[] _channels;

    /// <param name="inputs">The subtask's input edges and their sender counts, as for <see cref="InputGate"/>.</param>
    public StatusWatermarkValve(IEnumerable<(int EdgeIndex, int SenderCount)> inputs)
    {
        foreach (var (edge, senders) in inputs)
        {
            for (var sender = 0; sender < senders; sender++) _indexes.Add((edge, sender), _indexes.Count);
        }
        _channels = new ChannelState[_indexes.Count];
        for (var i = 0; i < _channels.Length; i++) _channels[i] = new ChannelState();
    }

    /// <summary>The last watermark sent downstream (<see cref="long.MinValue"/> before the first): Flink's <c>currentInputWatermark</c>.</summary>
    public long CurrentWatermark { get; private set; } = long.MinValue;

    /// <summary>Whether every input channel is idle (and so the subtask's output is idle).</summary>
    public bool IsIdle { get; private set; }

    /// <summary>A watermark arrived on a channel; ignored when the channel is idle or ended or the watermark is not higher than its last.</summary>
    public IReadOnlyList<ControlEvent> InputWatermark(int edgeIndex, int senderSubtask, long watermarkMs)
    {
        var channel = Channel(edgeIndex, senderSubtask);
        if (channel.Idle || channel.Ended || watermarkMs <= channel.Watermark) return [];
        channel.Watermark = watermarkMs;
        // A channel that rejoined from idleness counts again once it caught up with the output.
        if (watermarkMs >= CurrentWatermark) channel.Aligned = true;
        var events = new List<ControlEvent>(1);
        AdvanceToMinimumOfAligned(events);
        return events;
    }

    /// <summary>A watermark status arrived on a channel; only a change of the channel's status has an effect.</summary>
    public IReadOnlyList<ControlEvent> InputWatermarkStatus(int edgeIndex, int senderSubtask, bool idle)
    {
        var channel = Channel(edgeIndex, senderSubtask);
        if (channel.Ended || channel.Idle == idle) return [];
        var events = new List<ControlEvent>(2);
        channel.Idle = idle;
        if (idle)
        {
            channel.Aligned = false;
            if (_channels.All(c => c.Idle))
            {
                // Nothing will advance any more: release what the idle channels already promised.
                if (channel.Watermark == CurrentWatermark) Advance(_channels.Max(c => c.Watermark), events);
                IsIdle = true;
                events.Add(WatermarkStatus.IdleStatus);
            }
            else if (channel.Watermark == CurrentWatermark)
            {
                AdvanceToMinimumOfAligned(events);
            }
        }
        else
        {
            if (channel.Watermark >= CurrentWatermark) channel.Aligned = true;
            BecomeActive(events);
        }
        return events;
    }

    /// <summary>A channel ended: from now on it counts as <see cref="long.MaxValue"/>, whatever its status was.</summary>
    public IReadOnlyList<ControlEvent> EndOfInput(int edgeIndex, int senderSubtask)
    {
        var channel = Channel(edgeIndex, senderSubtask);
        if (channel.Ended) return [];
        var events = new List<ControlEvent>(2);
        channel.Ended = true;
        channel.Idle = false;
        channel.Watermark = long.MaxValue;
        channel.Aligned = true;
        BecomeActive(events);
        AdvanceToMinimumOfAligned(events);
        return events;
    }

    private void BecomeActive(List<ControlEvent> events)
    {
        if (!IsIdle) return;
        IsIdle = false;
        events.Add(WatermarkStatus.ActiveStatus);
    }

    private void AdvanceToMinimumOfAligned(List<ControlEvent> events)
    {
        var minimum = long.MaxValue;
        var any = false;
        foreach (var channel in _channels)
        {
            if (!channel.Aligned || channel.Idle) continue;
            any = true;
            minimum = Math.Min(minimum, channel.Watermark);
        }
        if (any) Advance(minimum, events);
    }

    private void Advance(long watermarkMs, List<ControlEvent> events)
    {
        if (watermarkMs <= CurrentWatermark) return;
        CurrentWatermark = watermarkMs;
        events.Add(watermarkMs == long.MaxValue ? Watermark.EndOfTime : new Watermark(watermarkMs));
    }

    private ChannelState Channel(int edgeIndex, int senderSubtask) =>
        _indexes.TryGetValue((edgeIndex, senderSubtask), out var index)
            ? _channels[index]
            : throw new InvalidOperationException($"A watermark came on unknown channel (edge {edgeIndex}, sender {senderSubtask}).");

    private sealed class ChannelState
    {
        public long Watermark = long.MinValue;
        public bool Idle;
        // Whether the channel takes part in the minimum: not while idle, and after idleness only once it caught up.
        public bool Aligned = true;
        public bool Ended;
    }
}
