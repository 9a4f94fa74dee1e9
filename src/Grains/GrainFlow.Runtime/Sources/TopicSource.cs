using GrainFlow.Runtime.Api;
using GrainFlow.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// Reads a durable topic. Each partition is a split whose offset is the next offset to read; subtask
/// i reads partitions i, i+p, …. Bounded mode reads up to the end offsets seen when the reader starts,
/// then ends; unbounded mode keeps polling (and waits for the topic to be created).
/// </summary>
public sealed class TopicSource<T>(string topic, bool bounded, Func<TopicRecord, T> decode) : ISource<T>
{
    public string Topic { get; } = topic;

    public bool Bounded { get; } = bounded;

    public ISourceReader<T> CreateReader(SubtaskInfo subtask) =>
        new Reader(this, subtask, subtask.Services.GetRequiredService<IGrainFactory>());

    private sealed class Reader(TopicSource<T> source, SubtaskInfo subtask, IGrainFactory grains) : ISourceReader<T>
    {
        private Dictionary<int, long>? _next;
        private Dictionary<int, long>? _end;
        private IReadOnlyDictionary<string, long> _restored = new Dictionary<string, long>();
        private IReaderOutput<T>? _outputsCreatedFor;

        public IReadOnlyDictionary<string, long> CurrentOffsets =>
            _next?.ToDictionary(p => SplitId(p.Key), p => p.Value) ?? _restored.ToDictionary();

        public void SeekTo(IReadOnlyDictionary<string, long> offsets)
        {
            _restored = offsets;
            if (_next is null) return;
            foreach (var partition in _next.Keys.ToList()) _next[partition] = offsets.GetValueOrDefault(SplitId(partition));
        }

        public async ValueTask<SourcePollStatus> PollAsync(IReaderOutput<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            if (_next is null && !await InitializeAsync()) return SourcePollStatus.NothingAvailable;
            var next = _next!;
            var end = _end;
            if (_outputsCreatedFor != output) CreateSplitOutputs(output);
            var emitted = 0;
            foreach (var (partition, offset) in next.ToList())
            {
                if (emitted >= maxRecords) break;
                var limit = end is null ? maxRecords - emitted : (int)Math.Min(maxRecords - emitted, end[partition] - offset);
                if (limit <= 0) continue;
                var result = await grains.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(source.Topic, partition)).ReadAsync(offset, limit);
                var split = output.CreateOutputForSplit(SplitId(partition));
                foreach (var stored in result.Records) split.Collect(source.Decode(stored.Record), stored.Record.TimestampMs);
                emitted += result.Records.Count;
                next[partition] = result.NextOffset;
                if (end is not null && result.NextOffset >= end[partition]) output.ReleaseOutputForSplit(SplitId(partition));
            }
            if (end is not null && next.All(p => p.Value >= end[p.Key])) return SourcePollStatus.EndOfInput;
            return emitted > 0 ? SourcePollStatus.MoreAvailable : SourcePollStatus.NothingAvailable;
        }

        /// <summary>
        /// One output per partition this reader owns, created before any record so that each partition's
        /// watermark holds the source's back from the start (until it goes idle); bounded partitions
        /// already at their end get none.
        /// </summary>
        private void CreateSplitOutputs(IReaderOutput<T> output)
        {
            foreach (var (partition, offset) in _next!)
            {
                if (_end is null || offset < _end[partition]) output.CreateOutputForSplit(SplitId(partition));
            }
            _outputsCreatedFor = output;
        }

        private async Task<bool> InitializeAsync()
        {
            var topic = grains.GetGrain<ITopicGrain>(source.Topic);
            if (!await topic.ExistsAsync())
            {
                if (source.Bounded) throw new InvalidOperationException($"Topic '{source.Topic}' does not exist: publish to it before running a job that reads it to its end.");
                return false;
            }
            var info = await topic.GetInfoAsync();
            var mine = info.Partitions.Where(p => p.Partition % subtask.Parallelism == subtask.SubtaskIndex).ToList();
            _next = mine.ToDictionary(p => p.Partition, p => _restored.TryGetValue(SplitId(p.Partition), out var o) ? o : p.EarliestOffset);
            _end = source.Bounded ? mine.ToDictionary(p => p.Partition, p => p.EndOffset) : null;
            return true;
        }

        private static string SplitId(int partition) => $"partition-{partition}";

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    internal T Decode(TopicRecord record) => decode(record);
}

/// <summary>Factory methods for the common topic sources.</summary>
public static class TopicSource
{
    /// <summary>Each record's value as UTF-8 text.</summary>
    public static TopicSource<string> Text(string topic, bool bounded) => new(topic, bounded, r => r.ValueAsText());

    /// <summary>Each record's value decoded as JSON into <typeparamref name="T"/>.</summary>
    public static TopicSource<T> Json<T>(string topic, bool bounded) => new(topic, bounded, r => RecordCodec<T>.Decode(r.Value));
}
