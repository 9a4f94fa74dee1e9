using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Writes one vertex's output records onto one outgoing edge: picks each record's channel, fills a
/// batch buffer per channel and hands full buffers to the channel.
/// </summary>
internal sealed class EdgeWriter<T> : ICollector<T>
{
    private readonly Partitioner<T> _partitioner;
    private readonly OutputChannel[] _channels;
    private readonly T[]?[] _buffers;
    private readonly int[] _counts;
    private readonly int _batchSize;
    private readonly int _maxParallelism;
    private int _roundRobin;

    public EdgeWriter(Partitioner<T> partitioner, OutputChannel[] channels, int batchSize, int maxParallelism, int senderSubtask)
    {
        _partitioner = partitioner;
        _channels = channels;
        _buffers = new T[]?[channels.Length];
        _counts = new int[channels.Length];
        _batchSize = batchSize;
        _maxParallelism = maxParallelism;
        _roundRobin = senderSubtask % channels.Length;
    }

    public IReadOnlyList<OutputChannel> Channels => _channels;

    public void Collect(T record)
    {
        if (_partitioner.Kind == PartitionKind.Broadcast)
        {
            for (var i = 0; i < _channels.Length; i++) Append(i, record);
            return;
        }
        var channel = _partitioner.Kind == PartitionKind.Forward ? 0 : _partitioner.SelectChannel(record, _channels.Length, _maxParallelism, ref _roundRobin);
        Append(channel, record);
    }

    /// <summary>Sends every partly filled buffer now (buffer timeout, or before a control event).</summary>
    public void FlushAll(ControlEvent? control = null)
    {
        for (var i = 0; i < _channels.Length; i++) Flush(i, control);
    }

    private void Append(int channel, T record)
    {
        var buffer = _buffers[channel] ??= new T[_batchSize];
        buffer[_counts[channel]++] = record;
        if (_counts[channel] == _batchSize) Flush(channel, null);
    }

    private void Flush(int channel, ControlEvent? control)
    {
        var count = _counts[channel];
        if (count == 0 && control is null) return;
        object? records = null;
        if (count > 0)
        {
            var buffer = _buffers[channel]!;
            // A sent buffer belongs to the receiver from now on (it is passed without copying), so a
            // new one is started; a partly filled one is trimmed so that no stale slots travel.
            records = count == buffer.Length ? buffer : buffer.AsSpan(0, count).ToArray();
            _buffers[channel] = null;
            _counts[channel] = 0;
        }
        _channels[channel].Send(records, count, control);
    }
}
