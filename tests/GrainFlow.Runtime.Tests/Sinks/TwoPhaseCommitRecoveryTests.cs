using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainFlow.Runtime.Tests.Sinks;

/// <summary>
/// The recovery half of two-phase commit, step by step on real storage: a restore commits what the
/// restored checkpoint pre-committed (its notification may never have arrived) exactly once, and
/// removes what later, never-completed checkpoints and the crashed attempt had staged.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TwoPhaseCommitRecoveryTests(SharedClusterFixture fixture)
{
    private static readonly GrainFlowConfiguration Checkpointed = new(
        new Dictionary<string, string> { ["execution.checkpointing.interval"] = "1 h" });

    private SinkOperator<string> OpenSink(ISink<string> sink, int subtask = 0, int parallelism = 1, OperatorRestore? restore = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<IGrainFactory>(fixture.Cluster.Client)
            .AddSingleton(new GrainFlowStores(fixture.Cluster.Store))
            .BuildServiceProvider();
        var op = new SinkOperator<string>("sink", "Sink", sink);
        op.Open(new OperatorContext(JobId.New(), "two-phase", 1, "sink", subtask, parallelism, 128, Checkpointed, services, TimeProvider.System, NullLogger.Instance, restore));
        return op;
    }

    /// <summary>A sink started as a restored subtask is: opened with the sink states of the checkpoint, then its state initialized (commit and abort).</summary>
    private async Task<SinkOperator<string>> RestoredSinkAsync(ISink<string> sink, IReadOnlyList<byte[]> states, IReadOnlyCollection<int> predecessors, int subtask = 0, int parallelism = 1)
    {
        var op = OpenSink(sink, subtask, parallelism, new OperatorRestore([], new Dictionary<string, long>(), states, predecessors));
        await op.InitializeStateAsync();
        return op;
    }

    private static CheckpointBarrier Barrier(long checkpointId) => new(checkpointId, 0, IsSavepoint: false);

    /// <summary>Writes, then takes checkpoint 1 (staged), writes, takes checkpoint 2 (staged), writes more — and "crashes" before any notification.</summary>
    private static async Task<byte[]> RunUntilCrashAsync(SinkOperator<string> op)
    {
        op.Collect("a");
        op.Collect("b");
        var first = op.SnapshotState(Barrier(1));
        await first.StageAsync!(CancellationToken.None);
        op.Collect("c");
        var second = op.SnapshotState(Barrier(2));
        await second.StageAsync!(CancellationToken.None);
        op.Collect("d");
        await op.FlushAsync(FlushReason.BufferTimeout);
        op.Close();
        return first.Captured.OperatorState!;
    }

    [Fact]
    public async Task FileSinkRestoreCommitsTheRestoredCheckpointsPartsOnceAndDeletesEverythingLater()
    {
        var directory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        var checkpointOne = await RunUntilCrashAsync(OpenSink(new FileSink<string>(directory)));
        Assert.Empty(Directory.GetFiles(directory, "part-*"));
        Assert.Equal(3, Directory.GetFiles(directory, ".part-*.inprogress").Length);

        // Restored from checkpoint 1 (twice: a restore that fails over again must not commit twice).
        for (var restore = 0; restore < 2; restore++)
        {
            var again = await RestoredSinkAsync(new FileSink<string>(directory), [checkpointOne], [0]);
            again.Close();
        }

        var committed = Directory.GetFiles(directory, "part-*.jsonl");
        Assert.Equal(["a", "b"], committed.SelectMany(File.ReadLines));
        Assert.Empty(Directory.GetFiles(directory, ".part-*"));
    }

    [Fact]
    public async Task FileSinkNumbersNewPartsAfterTheCommittedOnes()
    {
        var directory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        var checkpointOne = await RunUntilCrashAsync(OpenSink(new FileSink<string>(directory)));
        var restored = await RestoredSinkAsync(new FileSink<string>(directory), [checkpointOne], [0]);
        restored.Collect("e");
        await restored.SnapshotState(Barrier(3)).StageAsync!(CancellationToken.None);
        await restored.NotifyCheckpointCompleteAsync(3);

        Assert.Equal(["a", "b", "e"], Directory.GetFiles(directory, "part-*.jsonl").Order(StringComparer.Ordinal).SelectMany(File.ReadLines));
    }

    [Fact]
    public async Task ShrinkingParallelismHandsAVanishedSubtasksPendingPartsToASurvivor()
    {
        var directory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        var ofSubtask1 = await RunUntilCrashAsync(OpenSink(new FileSink<string>(directory), subtask: 1, parallelism: 2));

        var survivor = await RestoredSinkAsync(new FileSink<string>(directory), [ofSubtask1], [0, 1], subtask: 0, parallelism: 1);

        Assert.Equal(["a", "b"], Directory.GetFiles(directory, "part-sink-1-*.jsonl").SelectMany(File.ReadLines));
        Assert.Empty(Directory.GetFiles(directory, ".part-*"));
    }

    [Fact]
    public async Task FileSinkRestoredWithAnotherDirectoryCommitsTheTransactionsWhereTheSnapshotRecordedThem()
    {
        // A job restored from a savepoint gets a new id, and with it a new default output directory.
        var original = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        var checkpointOne = await RunUntilCrashAsync(OpenSink(new FileSink<string>(original)));
        var restoredJobsDirectory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");

        var restored = await RestoredSinkAsync(new FileSink<string>(restoredJobsDirectory), [checkpointOne], [0]);
        restored.Collect("e");
        await restored.SnapshotState(Barrier(3)).StageAsync!(CancellationToken.None);
        await restored.NotifyCheckpointCompleteAsync(3);

        Assert.Equal(["a", "b"], Directory.GetFiles(original, "part-*.jsonl").SelectMany(File.ReadLines));
        // What the old job staged after the snapshot is the old job's (it may still run): left alone.
        Assert.Equal(2, Directory.GetFiles(original, ".part-*.inprogress").Length);
        Assert.Equal(["e"], Directory.GetFiles(restoredJobsDirectory, "part-*.jsonl").SelectMany(File.ReadLines));
    }

    [Fact]
    public async Task FileSinkRestoresCommittablesWithoutARecordedDirectoryFromItsOwnDirectory()
    {
        // The committable format before the directory was recorded: a JSON list of staged part names.
        var directory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, ".part-sink-0-0.inprogress"), "a\n");
        var legacyState = System.Text.Encoding.UTF8.GetBytes(
            """{"Version":1,"Pending":[{"CheckpointId":1,"Committable":"[\".part-sink-0-0.inprogress\"]"}]}""");

        var restored = await RestoredSinkAsync(new FileSink<string>(directory), [legacyState], [0]);

        Assert.Equal(["a"], File.ReadLines(Path.Combine(directory, "part-sink-0-0.jsonl")));
    }

    [Fact]
    public async Task FileSinkRestoreOfATransactionWhoseFilesAreGoneFailsAsNonRecoverableNamingTheFile()
    {
        var directory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        var checkpointOne = await RunUntilCrashAsync(OpenSink(new FileSink<string>(directory)));
        Directory.Delete(directory, recursive: true);

        var failure = await Assert.ThrowsAsync<NonRecoverableJobException>(() => RestoredSinkAsync(new FileSink<string>(directory), [checkpointOne], [0]));

        Assert.Contains("checkpoint 1", failure.Message);
        Assert.Contains(Path.Combine(directory, ".part-sink-0-0.inprogress"), failure.Message);
        Assert.Contains("neither the staged nor the committed file exists", failure.Message);
    }

    [Fact]
    public async Task FileSinkCommitOfATransactionWhoseFilesAreGoneFailsAsNonRecoverable()
    {
        var directory = fixture.Directory.Combine($"two-phase-{Guid.NewGuid():N}");
        var sink = await RestoredSinkAsync(new FileSink<string>(directory), [], [0]);
        sink.Collect("a");
        await sink.SnapshotState(Barrier(1)).StageAsync!(CancellationToken.None);
        File.Delete(Assert.Single(Directory.GetFiles(directory, ".part-*.inprogress")));

        await Assert.ThrowsAsync<NonRecoverableJobException>(() => sink.NotifyCheckpointCompleteAsync(1));
    }

    [Fact]
    public async Task TopicSinkRestoreCommitsTheRestoredTransactionOnceAndDeletesLaterStagedOnes()
    {
        var topic = $"two-phase-{Guid.NewGuid():N}";
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).CreateAsync(new TopicSettings(2, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
        var first = await RestoredSinkAsync(new TopicSink<string>(topic), [], [0]);
        var checkpointOne = await RunUntilCrashAsync(first);
        Assert.Empty(await ReadAllAsync(topic));

        for (var restore = 0; restore < 2; restore++)
        {
            var again = await RestoredSinkAsync(new TopicSink<string>(topic), [checkpointOne], [0]);
            again.Close();
        }

        Assert.Equal(["a", "b"], (await ReadAllAsync(topic)).Order(StringComparer.Ordinal));
        var staging = Path.Combine(fixture.Directory.Combine("store"), "topics", topic, "_pending");
        Assert.Empty(Directory.Exists(staging) ? Directory.GetFiles(staging, "*", SearchOption.AllDirectories) : []);
    }

    private async Task<string> NewTopicAsync()
    {
        var topic = $"two-phase-{Guid.NewGuid():N}";
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).CreateAsync(new TopicSettings(2, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
        return topic;
    }

    private async Task<byte[]> RunTopicSinkUntilCrashAsync(string topic)
    {
        var sink = await RestoredSinkAsync(new TopicSink<string>(topic), [], [0]);
        return await RunUntilCrashAsync(sink);
    }

    [Fact]
    public async Task TopicSinkRestoredWithAnotherTopicCommitsTheTransactionInTheTopicItWasStagedFor()
    {
        var original = await NewTopicAsync();
        var checkpointOne = await RunTopicSinkUntilCrashAsync(original);
        var restoredJobsTopic = await NewTopicAsync();

        var restored = await RestoredSinkAsync(new TopicSink<string>(restoredJobsTopic), [checkpointOne], [0]);

        Assert.Equal(["a", "b"], (await ReadAllAsync(original)).Order(StringComparer.Ordinal));
        Assert.Empty(await ReadAllAsync(restoredJobsTopic));
    }

    [Fact]
    public async Task TopicSinkRestoresCommittablesWithoutARecordedTopicIntoItsOwnTopic()
    {
        var topic = await NewTopicAsync();
        var checkpointOne = await RunTopicSinkUntilCrashAsync(topic);
        // The committable format before the topic was recorded: "<transaction id>|<partitions>".
        var legacyState = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(checkpointOne).Replace($"\"{topic}|", "\"", StringComparison.Ordinal));
        Assert.NotEqual(checkpointOne, legacyState);

        var restored = await RestoredSinkAsync(new TopicSink<string>(topic), [legacyState], [0]);

        Assert.Equal(["a", "b"], (await ReadAllAsync(topic)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TopicSinkRestoreOfATransactionThatIsNeitherStagedNorCommittedFailsAsNonRecoverable()
    {
        var topic = await NewTopicAsync();
        var checkpointOne = await RunTopicSinkUntilCrashAsync(topic);
        Directory.Delete(Path.Combine(fixture.Directory.Combine("store"), "topics", topic, "_pending"), recursive: true);

        var failure = await Assert.ThrowsAsync<NonRecoverableJobException>(() => RestoredSinkAsync(new TopicSink<string>(topic), [checkpointOne], [0]));

        Assert.Contains($"of topic '{topic}'", failure.Message);
        Assert.Contains("is neither staged nor committed", failure.Message);
    }

    [Fact]
    public async Task ACommittedTopicTransactionSurvivesThePartitionsReactivation()
    {
        var topic = $"two-phase-{Guid.NewGuid():N}";
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).CreateAsync(new TopicSettings(1, TopicSettings.Unlimited, TopicSettings.Unlimited, 1 << 20));
        var sink = await RestoredSinkAsync(new TopicSink<string>(topic), [], [0]);
        sink.Collect("x");
        var state = sink.SnapshotState(Barrier(1));
        await state.StageAsync!(CancellationToken.None);
        await sink.NotifyCheckpointCompleteAsync(1);
        var partition = fixture.Cluster.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(topic, 0));
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).DeactivateGrain(partition.GetGrainId());

        // The reactivated partition knows the transaction from its segment name: committing again is a no-op.
        var again = await RestoredSinkAsync(new TopicSink<string>(topic), [state.Captured.OperatorState!], [0]);
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).PublishAsync(new Orleans.Concurrency.Immutable<TopicRecord[]>([TopicRecord.FromText("plain")]));

        Assert.Equal(["x", "plain"], await ReadAllAsync(topic));
    }

    private async Task<List<string>> ReadAllAsync(string topic)
    {
        var partitions = (await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).GetInfoAsync()).Partitions.Count;
        var all = new List<string>();
        for (var p = 0; p < partitions; p++) all.AddRange((await fixture.Cluster.ReadPartitionAsync(topic, p)).Select(r => r.Record.ValueAsText()));
        return all;
    }
}
