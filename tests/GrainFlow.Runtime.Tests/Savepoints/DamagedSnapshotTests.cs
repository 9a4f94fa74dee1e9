using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// Damaged snapshots on the file system, through the job manager's grain calls: <c>run -s</c> of one is
/// refused at submission naming the file (nothing created), <c>--resume latest</c> and automatic
/// recovery pass over damaged checkpoints to the newest intact one and say so, and a job whose every
/// retained checkpoint is damaged fails with that cause instead of restarting.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DamagedSnapshotTests(SharedClusterFixture fixture)
{
    private const long Records = 12_000;
    private const long Keys = 40;

    private string NewDirectory(string name) => fixture.Directory.Combine($"{name}-{Guid.NewGuid():N}");

    /// <summary>The count job with every piece of state in a file (no inline state), so files can be damaged.</summary>
    private static Dictionary<string, string> CountJob(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "3000",
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["execution.checkpointing.data-inline-threshold"] = "0",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>Runs the count job until it retained <paramref name="count"/> checkpoints, cancels it, and returns their directories, oldest first.</summary>
    private async Task<List<string>> RetainedCheckpointsAsync(string directory, int count)
    {
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("records-per-second", "1000"), ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", directory),
            ("execution.checkpointing.num-retained", count.ToString()),
            ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")), 2);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 2, 500);
        await fixture.Cluster.WaitForCompletedCheckpointsAsync(jobId, count);
        Assert.Equal(JobStatus.Canceled, await fixture.Cluster.Job(jobId).CancelAsync());
        var retained = Directory.GetDirectories(Path.Combine(directory, jobId.Value), "chk-*")
            .OrderBy(IdOf).ToList();
        Assert.Equal(count, retained.Count);
        return retained;
    }

    private static long IdOf(string checkpointDirectory) => long.Parse(Path.GetFileName(checkpointDirectory)["chk-".Length..]);

    private Task<Dictionary<string, long>> CountsAsync(JobId jobId, int parallelism) => new RecoveryProbe(fixture.Cluster, jobId).CountsAsync(parallelism);

    private static Task<string> DamageAsync(string snapshot, SnapshotDamageKind kind) => SnapshotDamage.ApplyAsync(new FileSystemObjectStore(snapshot), "", kind);

    private static Dictionary<string, DateTime> FilesOf(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

    [Theory]
    [InlineData(SnapshotDamageKind.FlippedStateByte, "is damaged")]
    [InlineData(SnapshotDamageKind.TruncatedStateFile, "truncated")]
    [InlineData(SnapshotDamageKind.MissingStateFile, "is missing")]
    [InlineData(SnapshotDamageKind.ExtraReferencedStateFile, "not in its list of state files")]
    [InlineData(SnapshotDamageKind.StateFileOutsideTheSnapshot, "not a file name inside the snapshot's directory")]
    [InlineData(SnapshotDamageKind.GarbledMetadata, "damaged")]
    [InlineData(SnapshotDamageKind.ChangedSourceOffset, "is damaged: its checksum")]
    public async Task RestoringFromADamagedSnapshotIsRefusedAtSubmissionNamingTheFileAndCreatesNothing(SnapshotDamageKind kind, string problem)
    {
        var checkpoints = NewDirectory("damaged");
        var snapshot = (await RetainedCheckpointsAsync(checkpoints, 1)).Single();
        var file = await DamageAsync(snapshot, kind);
        var registry = fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);
        var jobsBefore = (await registry.ListJobsAsync()).Count;
        var filesBefore = FilesOf(checkpoints);
        var newCheckpoints = NewDirectory("never-written");

        var refused = await Assert.ThrowsAsync<SavepointException>(() => fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.state-recovery.path", snapshot), ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", newCheckpoints)), 2));

        Assert.StartsWith($"Cannot restore from '{snapshot}': ", refused.Message);
        Assert.Contains(file, refused.Message);
        Assert.Contains(problem, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Equal(jobsBefore, (await registry.ListJobsAsync()).Count);
        Assert.False(Directory.Exists(newCheckpoints), "a refused submission wrote checkpoints");
        Assert.Equal(filesBefore, FilesOf(checkpoints));
    }

    [Fact]
    public async Task ResumeLatestPassesOverDamagedCheckpointsToTheNewestIntactOneAndSaysWhichAndWhy()
    {
        var checkpoints = NewDirectory("latest");
        var retained = await RetainedCheckpointsAsync(checkpoints, 3);
        await DamageAsync(retained[2], SnapshotDamageKind.FlippedStateByte);
        await DamageAsync(retained[1], SnapshotDamageKind.ChangedSourceOffset);

        var resumed = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.checkpointing.dir", checkpoints), ("grainflow.state-recovery.resume", "latest")), 2);
        var details = await fixture.Cluster.WaitForEndAsync(resumed, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        Assert.Contains($"(the latest of its name) at {retained[0]} ", details.StateOrigin);
        Assert.Contains("skipped 2 damaged snapshot(s)", details.StateOrigin);
        Assert.Contains(retained[2], details.StateOrigin);
        Assert.Contains($"'{retained[1]}/_metadata' is damaged", details.StateOrigin);
        var restore = (await fixture.Cluster.Job(resumed).GetCheckpointStatsAsync()).LatestRestore!;
        Assert.Equal(retained[0], restore.ExternalPath);
        Assert.Equal([retained[1], retained[2]], restore.Skipped!.Select(s => s.ExternalPath).Order());
        // Restored from the intact checkpoint, the job's counts are exact.
        Assert.All(await CountsAsync(resumed, 2), c => Assert.Equal(Records / Keys, c.Value));

        foreach (var intact in retained.Take(1)) await DamageAsync(intact, SnapshotDamageKind.MissingStateFile);
        var nothingIntact = await Assert.ThrowsAsync<SavepointException>(() => fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.checkpointing.dir", checkpoints), ("grainflow.state-recovery.resume", "latest")), 2));
        Assert.StartsWith("--resume latest found no intact checkpoint or savepoint of job 'checkpointed-count'", nothingIntact.Message);
        Assert.Contains("skipped 3 damaged snapshot(s)", nothingIntact.Message);
    }

    /// <summary>
    /// A job with checkpoints triggered by hand (the interval is an hour), so the test knows which are
    /// retained when it damages them and then fails the job.
    /// </summary>
    private async Task<(JobId Job, string Plan, List<string> Retained)> JobWithRetainedCheckpointsAsync(string directory, int checkpoints)
    {
        var plan = FailurePlan.Create([]);
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("records-per-second", "1500"), ("failure-plan", plan),
            ("execution.checkpointing.interval", "1 h"), ("execution.checkpointing.dir", directory),
            ("execution.checkpointing.num-retained", checkpoints.ToString()),
            ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "5"), ("restart-strategy.fixed-delay.delay", "50 ms")), 2);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 2, 300);
        for (var i = 0; i < checkpoints; i++) await fixture.Cluster.CheckpointNowAsync(jobId);
        var retained = Directory.GetDirectories(Path.Combine(directory, jobId.Value), "chk-*")
            .Where(d => File.Exists(Path.Combine(d, "_metadata")))
            .OrderBy(IdOf).ToList();
        Assert.Equal(checkpoints, retained.Count);
        return (jobId, plan, retained);
    }

    /// <summary>Fails the job's injector a little ahead of where its first split is now.</summary>
    private async Task FailSoonAsync(JobId jobId, string plan)
    {
        var offsets = (await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, "numbers", 0)).GetMetricsAsync()).SourceOffsets;
        FailurePlan.Add(plan, 4 * (offsets["split-0"] + 100));
    }

    [Fact]
    public async Task AutomaticRecoveryPassesOverADamagedCheckpointToTheNewestIntactOneAndSaysWhichAndWhy()
    {
        var directory = NewDirectory("recovery");
        var (jobId, plan, retained) = await JobWithRetainedCheckpointsAsync(directory, 2);
        var file = await DamageAsync(retained[1], SnapshotDamageKind.FlippedStateByte);

        await FailSoonAsync(jobId, plan);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));

        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.Message}");
        var (intact, damaged) = (IdOf(retained[0]), IdOf(retained[1]));
        // Its files were all there and of their sizes: attempt 2's subtasks found the flipped byte as they restored it,
        // and attempt 3 checked every byte first and passed the checkpoint over.
        Assert.StartsWith($"restored job {jobId} (attempt 3) from checkpoint {intact} of this job at {retained[0]}", details.StateOrigin);
        var expected = $"skipped 1 damaged snapshot(s): checkpoint {damaged} at {retained[1]} (The state file '{retained[1]}/{file}' is damaged";
        Assert.True(details.StateOrigin.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in '{details.StateOrigin}'");
        var restore = (await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).LatestRestore!;
        Assert.Equal(intact, restore.CheckpointId);
        Assert.Equal(damaged, Assert.Single(restore.Skipped!).CheckpointId);
        Assert.All(await CountsAsync(jobId, 2), c => Assert.Equal(Records / Keys, c.Value));
    }

    [Fact]
    public async Task AJobWhoseEveryRetainedCheckpointIsDamagedFailsWithThatCauseInsteadOfRestarting()
    {
        var directory = NewDirectory("unrecoverable");
        var (jobId, plan, retained) = await JobWithRetainedCheckpointsAsync(directory, 2);
        var files = new[] { await DamageAsync(retained[0], SnapshotDamageKind.TruncatedStateFile), await DamageAsync(retained[1], SnapshotDamageKind.GarbledMetadata) };

        await FailSoonAsync(jobId, plan);
        var details = await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(1));

        Assert.Equal(JobStatus.Failed, details.Status);
        Assert.Equal(2, details.Attempt);
        var failure = details.Failure!;
        Assert.True(failure.NonRecoverable);
        Assert.StartsWith($"Job {jobId} cannot be restored: every retained checkpoint is damaged; skipped 2 damaged snapshot(s)", failure.Message);
        Assert.Contains($"{retained[0]}/{files[0]}", failure.Message);
        Assert.Contains($"{retained[1]}/{files[1]}", failure.Message);
    }
}
