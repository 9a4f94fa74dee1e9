using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.Channels;

/// <summary>
/// Writes one vertex's output records onto one outgoing edge: picks each record's channel, fills a
/// batch buffer per channel and hands full buffers to the channel. Each record's event-time timestamp
/// (the chain's <see cref="RecordTimestamp"/> when it is collected) goes into a parallel buffer, which
/// is only started once a record of the batch has one.
/// </summary>
internal sealed class EdgeWriter<T> : ICollector<T>
{
    private readonly Partitioner<T> _partitioner;
    private readonly OutputChannel[] _channels;
    private readonly RecordTimestamp _timestamp;
    private readonly T[]?[] _buffers;
    private readonly long[]?[] _timestamps;
    private readonly int[] _counts;
    private readonly int _batchSize;
    private readonly int _maxParallelism;
    private int _roundRobin;

    public EdgeWriter(Partitioner<T> partitioner, OutputChannel[] channels, int batchSize, int maxParallelism, int senderSubtask, RecordTimestamp timestamp)
    {
        _partitioner = partitioner;
        _channels = channels;
        _timestamp = timestamp;
        _buffers = new T[]?[channels.Length];
        _timestamps = new long[]?[channels.Length];
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
        var index = _counts[channel]++;
        buffer[index] = record;
        var timestamp = _timestamp.Current;
        var timestamps = _timestamps[channel];
        if (timestamps is null && timestamp != RecordTimestamp.None)
        {
            // The first timestamped record of this batch: the ones before it had none.
            timestamps = _timestamps[channel] = new long[_batchSize];
            timestamps.AsSpan(0, index).Fill(RecordTimestamp.None);
        }
        if (timestamps is not null) timestamps[index] = timestamp;
        if (_counts[channel] == _batchSize) Flush(channel, null);
    }

    private void Flush(int channel, ControlEvent? control)
    {
        var count = _counts[channel];
        if (count == 0 && control is null) return;
        object? records = null;
        long[]? timestamps = null;
        if (count > 0)
        {
            // A sent buffer belongs to the receiver from now on (it is passed without copying), so a
            // new one is started; a partly filled one is trimmed so that no stale slots travel.
            records = Trim(_buffers[channel]!, count);
            timestamps = _timestamps[channel] is { } filled ? Trim(filled, count) : null;
            _buffers[channel] = null;
            _timestamps[channel] = null;
            _counts[channel] = 0;
        }
        _channels[channel].Send(records, count, control, timestamps);
    }

    private static TItem[] Trim<TItem>(TItem[] buffer, int count) => count == buffer.Length ? buffer : buffer.AsSpan(0, count).ToArray();
}
