using GrainFlow.Jobs;
using GrainFlow.Runtime.State.RocksDb;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// Local recovery (<c>execution.state-recovery.from-local</c>) in running jobs on RocksDB with incremental checkpoints: each
/// keyed subtask keeps a local copy of its latest completed checkpoint only, a failure restarts it on the same silo from that
/// copy without downloading, a changed file of the copy is downloaded instead, the counts are exact either way, and the job's
/// end leaves no copy behind; without the setting nothing is kept and everything is downloaded, as before.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class LocalRecoveryJobTests(LoggedClusterFixture fixture) : IClassFixture<LoggedClusterFixture>
{
    private const long Records = 60_000;
    private const long Keys = 40;
    private readonly string _localDirectory = fixture.Directory.Combine($"rocksdb-{Guid.NewGuid():N}");

    [Fact]
    public async Task ASubtaskRestartedOnItsSiloRestoresFromTheLocalCopyOfItsLatestCheckpointAloneWithExactCountsAndTheEndOfTheJobDeletesIt()
    {
        var (jobId, plan, probe) = await StartAsync(localRecovery: true);
        var latest = await CheckpointsAsync(jobId, 3);
        // Only the latest completed checkpoint's copy stays, one per keyed subtask.
        var stores = await WaitForCopiesOfAsync(jobId, latest);

        await FailAndWaitForTheRestartAsync(plan, probe);

        var restored = Restores(jobId);
        Assert.Equal(2, restored.Count);
        Assert.All(restored, line => Assert.Contains($"of checkpoint {latest} with local recovery: ", line));
        Assert.All(restored, line => Assert.EndsWith(", 0 files (0 bytes) downloaded", line, StringComparison.Ordinal));
        Assert.All(stores, store => Assert.Single(restored, line => line.Contains(store, StringComparison.Ordinal)));
        await FinishWithExactCountsAsync(jobId, probe);
        Assert.False(Directory.Exists(JobDirectory(jobId)), "the finished job left local copies behind");
    }

    [Fact]
    public async Task AChangedFileOfTheLocalCopyIsDetectedByItsChecksumAndDownloadedAndTheCountsAreExact()
    {
        var (jobId, plan, probe) = await StartAsync(localRecovery: true);
        var latest = await CheckpointsAsync(jobId, 2);
        var copy = Path.Combine((await WaitForCopiesOfAsync(jobId, latest))[0], $"chk-{latest}");
        var changed = new DirectoryInfo(copy).GetFiles("*.sst").MaxBy(f => f.Length)!;
        var bytes = File.ReadAllBytes(changed.FullName);
        bytes[bytes.Length / 2] ^= 0xFF;
        // A new file: the copy's SST files are links to the running instance's, which must not change with it.
        changed.Delete();
        File.WriteAllBytes(changed.FullName, bytes);

        await FailAndWaitForTheRestartAsync(plan, probe);

        Assert.Contains(fixture.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith(
            $"The local copy of state file '{changed.Name}' of checkpoint {latest} does not match the checksum or size the checkpoint recorded (in '{copy}')", StringComparison.Ordinal));
        var restored = Restores(jobId);
        Assert.EndsWith($", 1 files ({bytes.Length} bytes) downloaded", Assert.Single(restored, l => l.Contains(copy, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith(", 0 files (0 bytes) downloaded", Assert.Single(restored, l => !l.Contains(copy, StringComparison.Ordinal)), StringComparison.Ordinal);
        await FinishWithExactCountsAsync(jobId, probe);
    }

    [Fact]
    public async Task CancellingAJobDeletesTheLocalCopiesOfEveryOneOfItsSubtasks()
    {
        var (jobId, _, _) = await StartAsync(localRecovery: true, records: long.MaxValue);
        var latest = await CheckpointsAsync(jobId, 2);
        Assert.Equal(2, (await WaitForCopiesOfAsync(jobId, latest)).Count);

        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());

        Assert.False(Directory.Exists(JobDirectory(jobId)), "the cancelled job left local copies behind");
    }

    [Fact]
    public async Task WithoutLocalRecoveryNoCopyIsKeptAndARestartDownloadsItsStateWithExactCounts()
    {
        var (jobId, plan, probe) = await StartAsync(localRecovery: false);
        await CheckpointsAsync(jobId, 2);
        Assert.False(Directory.Exists(Path.Combine(_localDirectory, LocalRecoveryConfig.DirectoryName)));

        await FailAndWaitForTheRestartAsync(plan, probe);

        Assert.False(Directory.Exists(Path.Combine(_localDirectory, LocalRecoveryConfig.DirectoryName)));
        await FinishWithExactCountsAsync(jobId, probe);
    }

    private async Task<(JobId JobId, string Plan, RecoveryProbe Probe)> StartAsync(bool localRecovery, long records = Records)
    {
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, new Dictionary<string, string>
        {
            ["state.backend.type"] = "rocksdb",
            ["execution.checkpointing.incremental"] = "true",
            ["execution.state-recovery.from-local"] = localRecovery ? "true" : "false",
            ["state.backend.rocksdb.localdir"] = _localDirectory,
            // Checkpoints only when the test takes them, so it knows which one a restart restores.
            ["execution.checkpointing.interval"] = "1 h",
            ["execution.checkpointing.dir"] = fixture.Directory.Combine($"checkpoints-{Guid.NewGuid():N}"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["keys"] = Keys.ToString(),
            ["records"] = records.ToString(),
            ["records-per-second"] = "3000",
            ["failure-plan"] = plan,
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "5",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        }, parallelism: 2);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 2, 1_000);
        return (jobId, plan, new RecoveryProbe(fixture.Cluster, jobId));
    }

    /// <summary>Takes <paramref name="count"/> checkpoints one after the other; returns the last one's id.</summary>
    private async Task<long> CheckpointsAsync(JobId jobId, int count)
    {
        long id = 0;
        for (var i = 0; i < count; i++) id = await fixture.Cluster.CheckpointNowAsync(jobId);
        return id;
    }

    /// <summary>Waits until each keyed subtask's local store holds the copy of checkpoint <paramref name="checkpointId"/> and no other; returns the stores.</summary>
    private async Task<IReadOnlyList<string>> WaitForCopiesOfAsync(JobId jobId, long checkpointId)
    {
        IReadOnlyList<string> Stores() => Directory.Exists(JobDirectory(jobId)) ? Directory.GetDirectories(JobDirectory(jobId)).Order(StringComparer.Ordinal).ToList() : [];
        await RecoveryProbe.WaitUntilAsync(() => Task.FromResult(Stores().Count == 2
                && Stores().All(s => Directory.GetDirectories(s).Select(Path.GetFileName).SequenceEqual([$"chk-{checkpointId}"]))),
            $"each subtask's local store to hold the copy of checkpoint {checkpointId} alone");
        return Stores();
    }

    private static async Task FailAndWaitForTheRestartAsync(string plan, RecoveryProbe probe)
    {
        var offsets = (await probe.Subtask("numbers", 0).GetMetricsAsync()).SourceOffsets;
        // The generator numbers records across its 4 splits: this is a little ahead of where split 0 is.
        FailurePlan.AddAtOrAfter(plan, 4 * (offsets["split-0"] + 300));
        await RecoveryProbe.WaitUntilAsync(async () => (await probe.Job.GetDetailsAsync()) is { Attempt: >= 2, Status: JobStatus.Running },
            "the job to restart after the injected failure");
        Assert.Equal(0, FailurePlan.Remaining(plan));
    }

    private async Task FinishWithExactCountsAsync(JobId jobId, RecoveryProbe probe)
    {
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        await probe.AssertExactCountsAsync(2, Records, Keys, details);
    }

    /// <summary>What the job's restores logged about local recovery (the lines name the local copies, which are under the job's directory).</summary>
    private List<string> Restores(JobId jobId) => fixture.Log.Lines
        .Where(l => l.Level == LogLevel.Information && l.Message.Contains(JobDirectory(jobId), StringComparison.Ordinal) && l.Message.Contains(" with local recovery: ", StringComparison.Ordinal))
        .Select(l => l.Message)
        .ToList();

    private string JobDirectory(JobId jobId) => Path.Combine(_localDirectory, LocalRecoveryConfig.DirectoryName, jobId.Value);
}
