namespace GrainFlow.Runtime.Channels;

/// <summary>
/// All input channels of one subtask: one sequencer per (edge, sender). Knows when every channel has
/// ended, and ignores batches of other job attempts. A channel counts as ended only once its
/// end-of-input was processed (<see cref="MarkEnded"/>), not when the batch carrying it was released:
/// a released batch may still wait behind a barrier alignment.
/// </summary>
internal sealed class InputGate
{
    private readonly Dictionary<(int Edge, int Sender), InputChannelSequencer> _channels = new();
    private int _ended;

    public InputGate(long attempt, IEnumerable<(int EdgeIndex, int SenderCount)> inputs)
    {
        Attempt = attempt;
        foreach (var (edge, senders) in inputs)
        {
            for (var sender = 0; sender < senders; sender++) _channels.Add((edge, sender), new InputChannelSequencer());
        }
    }

    public long Attempt { get; }

    public int ChannelCount => _channels.Count;

    public bool AllEnded => _ended == _channels.Count;

    /// <summary>Channels that have not ended: the ones a checkpoint barrier must still come through.</summary>
    public int LiveChannelCount => _channels.Count - _ended;

    /// <summary>The batches of <paramref name="batch"/>'s channel that are ready to process, in order; empty for stale or early ones.</summary>
    public IReadOnlyList<ChannelBatch> Offer(ChannelBatch batch)
    {
        if (batch.Attempt != Attempt) return [];
        if (!_channels.TryGetValue((batch.EdgeIndex, batch.SenderSubtask), out var channel))
        {
            throw new InvalidOperationException($"Received a batch on unknown channel (edge {batch.EdgeIndex}, sender {batch.SenderSubtask}).");
        }
        return channel.Offer(batch);
    }

    /// <summary>The end-of-input of this channel was processed; returns whether every channel has ended now.</summary>
    public bool MarkEnded(int edgeIndex, int senderSubtask)
    {
        var channel = _channels[(edgeIndex, senderSubtask)];
        if (!channel.Ended)
        {
            channel.Ended = true;
            _ended++;
        }
        return AllEnded;
    }
}
