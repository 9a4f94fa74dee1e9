using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Sources;
using GrainFlow.Topics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// Appends records to a durable topic (text for strings, JSON otherwise), keyed by an optional key
/// function. Without checkpoints records are published as they flush; with checkpoints the sink is
/// exactly-once: what a subtask writes between two barriers is staged per partition and becomes
/// visible to readers, all at once, when that checkpoint completes.
/// </summary>
public sealed class TopicSink<T>(string topic, Func<T, string?>? key = null) : ISink<T>
{
    private const int PublishThreshold = 1000;

    public string Topic { get; } = topic;

    public ISinkWriter<T> CreateWriter(SubtaskInfo subtask)
    {
        var grains = subtask.Services.GetRequiredService<IGrainFactory>();
        return subtask.CheckpointingEnabled
            ? new TransactionalTopicWriter<T>(Topic, grains, subtask.Services.GetRequiredService<GrainFlowStores>().Data, key, subtask)
            : new PublishingWriter(grains.GetGrain<ITopicGrain>(Topic), key);
    }

    private sealed class PublishingWriter(ITopicGrain topic, Func<T, string?>? key) : ISinkWriter<T>
    {
        private List<TopicRecord> _buffer = new();

        public void Write(T record) =>
            _buffer.Add(new TopicRecord(key?.Invoke(record), RecordCodec<T>.Encode(record), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

        public async ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken)
        {
            if (_buffer.Count == 0 || (reason == FlushReason.BatchEnd && _buffer.Count < PublishThreshold)) return;
            var batch = _buffer.ToArray();
            _buffer = new List<TopicRecord>();
            await topic.PublishAsync(new Immutable<TopicRecord[]>(batch));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
