using System.Text;
using GrainFlow.Errors;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Topics;
using GrainFlow.Storage;
using GrainFlow.Topics;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// The exactly-once writer of <see cref="TopicSink{T}"/>. Records are routed to partitions as they
/// are written and held until the barrier; staging writes each partition's records as one object
/// under <c>topics/&lt;topic&gt;/_pending/</c>; committing asks each partition to adopt its object as
/// a segment (idempotent by transaction id).
/// </summary>
/// <remarks>
/// A committable names its topic (<see cref="TopicSinkCommittable"/>), so a job restored from another
/// job's snapshot commits that job's transactions in the topic they were staged for.
/// A transaction id is <c>&lt;operator uid, hex&gt;-&lt;subtask&gt;-&lt;job id&gt;-&lt;checkpoint id&gt;</c>: unique
/// across restarts (checkpoint ids only grow) and across jobs restored from one savepoint (new job id),
/// and its prefix up to the subtask finds what a subtask staged and never committed.
/// Records between two barriers are held in memory, so memory grows with the checkpoint interval.
/// </remarks>
internal sealed class TransactionalTopicWriter<T>(string topic, IGrainFactory grains, IObjectStore store, Func<T, string?>? key, SubtaskInfo subtask)
    : ITransactionalSinkWriter<T>
{
    private readonly string _uidHex = Convert.ToHexString(Encoding.UTF8.GetBytes(subtask.OperatorUid)).ToLowerInvariant();
    private List<TopicRecord>[]? _buffers;
    private int _roundRobin;

    public void Write(T record)
    {
        var buffers = _buffers ?? throw new InvalidOperationException($"The topic sink writer for '{topic}' was used before it was recovered.");
        var recordKey = key?.Invoke(record);
        var partition = TopicRouting.PartitionFor(recordKey, buffers.Length, ref _roundRobin);
        buffers[partition].Add(new TopicRecord(recordKey, RecordCodec<T>.Encode(record), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    public ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public SinkTransaction? PreCommit(long checkpointId)
    {
        if (_buffers is not { } buffers || buffers.All(b => b.Count == 0)) return null;
        var transactionId = $"{SubtaskPrefix(subtask.SubtaskIndex)}{subtask.JobId}-{checkpointId}";
        var staged = Enumerable.Range(0, buffers.Length).Where(p => buffers[p].Count > 0).Select(p => (Partition: p, Records: buffers[p])).ToList();
        _buffers = NewBuffers(buffers.Length);
        var committable = new TopicSinkCommittable(topic, transactionId, staged.Select(s => s.Partition).ToList()).Serialize();
        return new SinkTransaction(committable, async cancellation =>
        {
            await Task.WhenAll(staged.Select(s => store.PutAsync(
                TopicLayout.StagedKey(topic, s.Partition, transactionId), SegmentFormat.Encode(s.Records, out _), cancellationToken: cancellation)));
        });
    }

    /// <exception cref="NonRecoverableJobException">A partition has the transaction neither staged nor committed: its output is lost, and no restart brings it back.</exception>
    public async Task CommitAsync(string committable, CancellationToken cancellationToken)
    {
        var transaction = TopicSinkCommittable.Parse(committable, topic);
        foreach (var partition in transaction.Partitions)
        {
            if (!await grains.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(transaction.Topic, partition)).CommitStagedAsync(transaction.TransactionId))
            {
                throw new NonRecoverableJobException(
                    $"Transaction '{transaction.TransactionId}' of topic '{transaction.Topic}' partition {partition} is neither staged nor committed, so its output is lost "
                    + "(was the topic's storage cleaned, or did retention delete its segment?). Restore from a newer snapshot, or start the job without state.");
            }
        }
    }

    public async Task AbortUncommittedAsync(IReadOnlyCollection<int> subtaskIndices, CancellationToken cancellationToken)
    {
        var settings = await grains.GetGrain<ITopicGrain>(topic).EnsureExistsAsync();
        _buffers ??= NewBuffers(settings.Partitions);
        for (var partition = 0; partition < settings.Partitions; partition++)
        {
            var prefix = TopicLayout.StagingPrefix(topic, partition);
            var strays = new List<string>();
            await foreach (var staged in store.ListAsync(prefix, cancellationToken))
            {
                var name = staged.Key[prefix.Length..];
                if (subtaskIndices.Any(s => name.StartsWith(SubtaskPrefix(s), StringComparison.Ordinal))) strays.Add(staged.Key);
            }
            foreach (var stray in strays) await store.DeleteAsync(stray, cancellationToken: cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string SubtaskPrefix(int subtaskIndex) => $"{_uidHex}-{subtaskIndex}-";

    private static List<TopicRecord>[] NewBuffers(int partitions) => Enumerable.Range(0, partitions).Select(_ => new List<TopicRecord>()).ToArray();
}
