namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Restores a channel's order on the receiving side. Orleans does not keep the order of calls between
/// two grains (and a timed-out call may be retried), so each batch carries a sequence number: the
/// next expected batch is released, later ones wait here until the gap is filled, and ones already
/// released are dropped as duplicates.
/// </summary>
internal sealed class InputChannelSequencer(int maxEarlyBatches = 64)
{
    private readonly SortedDictionary<long, ChannelBatch> _early = new();

    public long NextExpected { get; private set; }

    public bool Ended { get; set; }

    public int EarlyCount => _early.Count;

    /// <summary>Offers one batch; returns the batches now ready to process, in order (possibly none).</summary>
    public IReadOnlyList<ChannelBatch> Offer(ChannelBatch batch)
    {
        if (batch.Sequence < NextExpected || _early.ContainsKey(batch.Sequence)) return [];
        if (batch.Sequence > NextExpected)
        {
            if (_early.Count >= maxEarlyBatches)
            {
                throw new InvalidOperationException(
                    $"Channel (edge {batch.EdgeIndex}, sender {batch.SenderSubtask}) has {_early.Count} batches waiting for batch {NextExpected}; the sender broke the in-flight bound.");
            }
            _early.Add(batch.Sequence, batch);
            return [];
        }
        var ready = new List<ChannelBatch> { batch };
        NextExpected++;
        while (_early.Remove(NextExpected, out var next))
        {
            ready.Add(next);
            NextExpected++;
        }
        return ready;
    }
}
