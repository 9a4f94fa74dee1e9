using System.Collections.Concurrent;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Polling;
using Orleans.Hosting;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// The flag the task side reads to take a full snapshot (Flink's FULL_CHECKPOINT after a NO_CLAIM restore): the
/// barriers a job restored in NO_CLAIM mode gets carry <c>FullSnapshot</c> until one of its checkpoints completed; a
/// job that claimed a checkpoint of the same checkpoint storage reuses its files from the first checkpoint on.
/// Observed on the trigger calls the sources receive.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class FullSnapshotBarrierTests : IAsyncLifetime
{
    // The filter of this class's cluster writes here; the subtask key (which starts with the job id) tells jobs apart.
    private static readonly ConcurrentQueue<(string Subtask, CheckpointBarrier Barrier)> Triggered = new();
    private readonly TemporaryDirectory _temp = new("grainflow-full-snapshot");
    private GrainFlowTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(_temp.Combine("store")), 1, silo =>
    {
        RuntimeCluster.RegisterTestJobs(silo);
        silo.AddIncomingGrainCallFilter(async context =>
        {
            if (context.InterfaceMethod.Name == nameof(ISubtaskGrain.TriggerCheckpointAsync) && context.Request.GetArgument(1) is CheckpointBarrier barrier)
            {
                Triggered.Enqueue((context.TargetId.Key.ToString()!, barrier));
            }
            await context.Invoke();
        });
    });

    private Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = "100000000",
            ["records-per-second"] = "2000",
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = _temp.Combine("checkpoints"),
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private async Task WaitForCompletedAsync(JobId jobId, int count) =>
        await Poll.UntilAsync(async () => (await _cluster.Job(jobId).GetCheckpointStatsAsync()).Completed >= count, $"{count} checkpoints of {jobId} completed", TimeSpan.FromSeconds(60));

    private static List<CheckpointBarrier> BarriersOf(JobId jobId) =>
        Triggered.Where(t => t.Subtask.StartsWith(jobId.Value, StringComparison.Ordinal)).Select(t => t.Barrier).OrderBy(b => b.CheckpointId).ToList();

    [Fact]
    public async Task ANoClaimRestoreMakesTheFirstCheckpointFullAndAClaimOfTheSameStorageDoesNot()
    {
        var old = await _cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(), parallelism: 2);
        await WaitForCompletedAsync(old, 1);
        Assert.Equal(JobStatus.Canceled, await _cluster.Job(old).CancelAsync());
        var retained = Directory.GetDirectories(_temp.Combine("checkpoints", old.Value), "chk-*").Single(d => File.Exists(Path.Combine(d, "_metadata")));
        Assert.DoesNotContain(BarriersOf(old), b => b.FullSnapshot);

        var unclaimed = await _cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(("execution.state-recovery.path", retained)), parallelism: 2);
        await WaitForCompletedAsync(unclaimed, 2);
        Assert.Equal(JobStatus.Canceled, await _cluster.Job(unclaimed).CancelAsync());
        var afterNoClaim = BarriersOf(unclaimed);
        Assert.True(afterNoClaim[0].FullSnapshot, "the first checkpoint after a NO_CLAIM restore must be full");
        Assert.False(afterNoClaim[^1].FullSnapshot, "checkpoints after the first completed one reuse its files");

        var claimed = await _cluster.SubmitAsync(CheckpointedCountJob.Name,
            Settings(("execution.state-recovery.path", retained), ("execution.state-recovery.claim-mode", "CLAIM")), parallelism: 2);
        await WaitForCompletedAsync(claimed, 1);
        Assert.Equal(JobStatus.Canceled, await _cluster.Job(claimed).CancelAsync());
        Assert.DoesNotContain(BarriersOf(claimed), b => b.FullSnapshot);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _temp.Dispose();
    }
}
