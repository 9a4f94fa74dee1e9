using System.Text.RegularExpressions;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// Savepoints through the job manager's grain calls, checked on disk: the layout, relocation, stop /
/// drain / cancel, restores with another parallelism (exact state for every key), operator mapping,
/// resume-latest and disposal (what a disposal leaves: <see cref="SavepointDisposalTests"/>).
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SavepointTests(SharedClusterFixture fixture)
{
    private const long Records = 12_000;
    private const long Keys = 40;

    private string NewDirectory(string name) => fixture.Directory.Combine($"{name}-{Guid.NewGuid():N}");

    private static Dictionary<string, string> CountJob(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "3000",
            ["execution.buffer-timeout.interval"] = "5 ms",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }


    private Task<Dictionary<string, long>> CountsAsync(JobId jobId, int parallelism) => new RecoveryProbe(fixture.Cluster, jobId).CountsAsync(parallelism);

    /// <summary>
    /// Runs the count job with checkpoints retained on cancellation until it processed
    /// <paramref name="records"/> and completed <paramref name="checkpoints"/> checkpoints, cancels it,
    /// and returns the one checkpoint it left (num-retained 1), its state in files rather than inline.
    /// </summary>
    private async Task<string> RetainedCheckpointAsync(string directory, int parallelism, long records, int checkpoints)
    {
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", directory), ("execution.checkpointing.data-inline-threshold", "0"),
            ("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")), parallelism);
        if (records > 0) await fixture.Cluster.WaitForRecordsAsync(jobId, "count", parallelism, records);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed < checkpoints && DateTime.UtcNow < deadline) await Task.Delay(50);
        await fixture.Cluster.Job(jobId).CancelAsync();
        return Directory.GetDirectories(Path.Combine(directory, jobId.Value), "chk-*").Single();
    }

    /// <summary>Job A runs part of the input and stops (or drains) with a savepoint; job B resumes from it and finishes.</summary>
    private async Task<(string Location, JobDetails Resumed)> HandOverAsync(int fromParallelism, int toParallelism, SavepointFormatType format,
        SavepointTermination then, Func<string, string>? relocate = null)
    {
        var target = NewDirectory("savepoints");
        var first = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), fromParallelism);
        await fixture.Cluster.WaitForRecordsAsync(first, "count", fromParallelism, 2_000);
        var trigger = await fixture.Cluster.Job(first).TriggerSavepointAsync(new SavepointRequest(target, format, then));
        var operation = await fixture.Cluster.WaitForSavepointAsync(first, trigger);
        Assert.True(operation.Succeeded, operation.FailureMessage);
        Assert.Equal(JobStatus.Finished, (await fixture.Cluster.WaitForEndAsync(first)).Status);

        var location = operation.Location!;
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(target)}/savepoint-{first.Value[..6]}-[0-9a-f]{{12}}$", location);
        Assert.True(File.Exists(Path.Combine(location, "_metadata")));
        var restoreFrom = relocate?.Invoke(location) ?? location;

        var second = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("execution.state-recovery.path", restoreFrom)), toParallelism);
        var resumed = await fixture.Cluster.WaitForEndAsync(second, TimeSpan.FromMinutes(2));
        Assert.True(resumed.Status == JobStatus.Finished, $"{resumed.Status}: {resumed.Failure?.Message}");
        Assert.Contains("from savepoint", resumed.StateOrigin);
        // The restore names where the sources resume (the generator's splits and their offsets).
        Assert.Matches(@"source offsets split-0=\d+, split-1=\d+", resumed.StateOrigin);
        // The resumed job read only what the first one had not: its sources started at the savepoint's offsets.
        long processed = 0;
        for (var i = 0; i < toParallelism; i++) processed += (await fixture.Cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(second, "count", i)).GetMetricsAsync()).RecordsIn;
        Assert.InRange(processed, 1, Records - 2_000);
        var counts = await CountsAsync(second, toParallelism);
        Assert.Equal((int)Keys, counts.Count);
        var wrong = counts.Where(c => c.Value != Records / Keys).Select(c => $"{c.Key}={c.Value}").ToList();
        Assert.True(wrong.Count == 0, $"expected {Records / Keys} per key after the handover; wrong: {string.Join(", ", wrong)} ({resumed.StateOrigin})");
        return (location, resumed);
    }

    [Theory]
    [InlineData(2, 5, SavepointFormatType.Canonical)]
    [InlineData(4, 1, SavepointFormatType.Native)]
    public async Task StopWithSavepointThenResumeWithAnotherParallelismKeepsEveryKeysStateExactly(int from, int to, SavepointFormatType format)
    {
        var (_, resumed) = await HandOverAsync(from, to, format, SavepointTermination.Stop);
        Assert.Contains(format.ToString().ToLowerInvariant(), resumed.StateOrigin);
    }

    [Fact]
    public async Task ASavepointMovedToAnotherFolderStillRestoresFromItsMetadataFile()
    {
        var elsewhere = NewDirectory("moved");
        await HandOverAsync(2, 3, SavepointFormatType.Canonical, SavepointTermination.Stop, location =>
        {
            Directory.CreateDirectory(elsewhere);
            var moved = Path.Combine(elsewhere, "renamed-savepoint");
            Directory.Move(location, moved);
            return Path.Combine(moved, "_metadata");
        });
    }

    [Fact]
    public async Task StopWithDrainEndsTheInputTakesTheSavepointAndTheResumedJobFinishesTheRest()
    {
        var (location, _) = await HandOverAsync(2, 2, SavepointFormatType.Canonical, SavepointTermination.StopAndDrain);
        Assert.True(Directory.Exists(location));
    }

    [Fact]
    public async Task CancelWithSavepointCancelsTheJobAndKeepsTheSavepoint()
    {
        var target = NewDirectory("savepoints");
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 2);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 2, 1_000);
        var trigger = await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(target, Then: SavepointTermination.Cancel));
        var operation = await fixture.Cluster.WaitForSavepointAsync(jobId, trigger);

        Assert.True(operation.Succeeded, operation.FailureMessage);
        Assert.Equal(JobStatus.Canceled, (await fixture.Cluster.WaitForEndAsync(jobId)).Status);
        Assert.True(File.Exists(Path.Combine(operation.Location!, "_metadata")));
        // Idempotent by trigger id: asking again returns the same operation.
        Assert.Equal(trigger, await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(target, TriggerId: trigger)));
    }

    [Fact]
    public async Task AnIntermediateSavepointLeavesTheJobRunning()
    {
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 2);
        try
        {
            await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 2, 500);
            var trigger = await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(NewDirectory("savepoints")));
            var operation = await fixture.Cluster.WaitForSavepointAsync(jobId, trigger);
            Assert.True(operation.Succeeded, operation.FailureMessage);
            Assert.Equal(JobStatus.Running, (await fixture.Cluster.Job(jobId).GetDetailsAsync()).Status);
            var stats = await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync();
            Assert.Contains(stats.History, h => h.Id == operation.CheckpointId && h.IsSavepoint);
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task WithoutATargetOrADefaultDirectoryTheSavepointIsRefusedWithFlinksMessage()
    {
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 1);
        try
        {
            var error = await Assert.ThrowsAsync<SavepointException>(() => fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(null)));
            Assert.StartsWith("No savepoint location given and no default location configured.", error.Message);
            await Assert.ThrowsAsync<UnknownTriggerException>(() => fixture.Cluster.Job(jobId).GetSavepointOperationAsync("0123456789abcdef"));
        }
        finally
        {
            await fixture.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task RestoringStateOfAnOperatorTheJobNoLongerHasNeedsAllowNonRestoredState()
    {
        var target = NewDirectory("savepoints");
        var first = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 2);
        await fixture.Cluster.WaitForRecordsAsync(first, "count", 2, 500);
        var operation = await fixture.Cluster.WaitForSavepointAsync(first, await fixture.Cluster.Job(first).TriggerSavepointAsync(new SavepointRequest(target, Then: SavepointTermination.Cancel)));

        var refused = await Assert.ThrowsAsync<JobConfigurationException>(() => fixture.Cluster.SubmitAsync(SequenceCheckJob.Name,
            new Dictionary<string, string> { ["execution.state-recovery.path"] = operation.Location! }));
        Assert.Contains($"Failed to rollback to checkpoint/savepoint {operation.Location}. Cannot map checkpoint/savepoint state for operator count to the new program", refused.Message);
        Assert.Contains("--allowNonRestoredState", refused.Message);

        var allowed = await fixture.Cluster.SubmitAsync(SequenceCheckJob.Name, new Dictionary<string, string>
        {
            ["execution.savepoint.path"] = operation.Location!, ["execution.savepoint.ignore-unclaimed-state"] = "true",
        });
        var details = await fixture.Cluster.WaitForEndAsync(allowed, TimeSpan.FromMinutes(1));
        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Contains("skipped the state of operators no longer in the job: count, numbers", details.StateOrigin);
    }

    [Fact]
    public async Task RestoringFromAPathWithoutASnapshotSaysWhatIsMissing()
    {
        var empty = NewDirectory("empty");
        var missing = await Assert.ThrowsAsync<SavepointException>(() => fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("execution.state-recovery.path", empty))));
        Assert.Equal($"Cannot find checkpoint or savepoint file/directory '{empty}' on file system 'file'.", missing.Message);

        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "something.state"), "x");
        var noMetadata = await Assert.ThrowsAsync<SavepointException>(() => fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("execution.state-recovery.path", empty))));
        Assert.StartsWith($"Cannot find meta data file '_metadata' in directory '{empty}'.", noMetadata.Message);
    }

    [Fact]
    public async Task ResumeLatestFindsTheNewestRetainedCheckpointOfTheJobNameAndSaysWhichItUsed()
    {
        var checkpoints = NewDirectory("retained");
        var retained = await RetainedCheckpointAsync(checkpoints, parallelism: 2, records: 2_000, checkpoints: 2);

        var second = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.checkpointing.dir", checkpoints), ("grainflow.state-recovery.resume", "latest")), 3);
        var details = await fixture.Cluster.WaitForEndAsync(second, TimeSpan.FromMinutes(2));
        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Contains($"from checkpoint", details.StateOrigin);
        Assert.Contains("(the latest of its name)", details.StateOrigin);
        Assert.Contains(retained, details.StateOrigin);
        Assert.All(await CountsAsync(second, 3), c => Assert.Equal(Records / Keys, c.Value));
        // NO_CLAIM: the job it resumed from still owns its checkpoint.
        Assert.True(File.Exists(Path.Combine(retained, "_metadata")));

        var nothing = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.checkpointing.dir", NewDirectory("nothing-here")), ("grainflow.state-recovery.resume", "latest"), ("records", "100")), 1);
        Assert.Contains("without state: --resume latest found no completed checkpoint or savepoint of job 'checkpointed-count'",
            (await fixture.Cluster.WaitForEndAsync(nothing)).StateOrigin);
    }

    /// <summary>A job restored from <paramref name="snapshot"/> that fails once at the very last record, so its restart restores the latest snapshot it knows.</summary>
    private async Task<JobDetails> RestoreAndFailOnceAtTheEndAsync(string snapshot, params (string Key, string Value)[] more)
    {
        var settings = CountJob([("execution.state-recovery.path", snapshot), ("failure-plan", FailurePlan.Create([Records - 1])),
            ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "1"), ("restart-strategy.fixed-delay.delay", "10 ms"), .. more]);
        var details = await fixture.Cluster.WaitForEndAsync(await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, settings, 2), TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished && details.Attempt == 2, $"{details.Status} after {details.Attempt} attempt(s): {details.Failure?.Message}");
        return details;
    }

    private static void AssertStartsWith(string expected, string actual) => Assert.True(actual.StartsWith(expected, StringComparison.Ordinal), $"expected: {expected}\nactual:   {actual}");

    [Fact]
    public async Task ARestartFromTheRetainedCheckpointTheJobStartedFromSaysCheckpointOfTheOldJobNotSavepoint()
    {
        var retained = await RetainedCheckpointAsync(NewDirectory("retained"), parallelism: 2, records: 1_000, checkpoints: 1);
        var metadata = CheckpointMetadata.FromBytes(await File.ReadAllBytesAsync(Path.Combine(retained, "_metadata")), retained);

        var details = await RestoreAndFailOnceAtTheEndAsync(retained);

        AssertStartsWith($"restored job {details.JobId} (attempt 2) from checkpoint {metadata.CheckpointId} of job {metadata.JobId} (the snapshot the job started from) at {retained}",
            details.StateOrigin);
    }

    [Fact]
    public async Task ARestartSaysSavepointOnlyForTheSavepointTheJobStartedFromAndCheckpointOfThisJobForItsOwn()
    {
        var first = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 2);
        await fixture.Cluster.WaitForRecordsAsync(first, "count", 2, 1_000);
        var operation = await fixture.Cluster.WaitForSavepointAsync(first,
            await fixture.Cluster.Job(first).TriggerSavepointAsync(new SavepointRequest(NewDirectory("savepoints"), SavepointFormatType.Native, SavepointTermination.Cancel)));
        Assert.True(operation.Succeeded, operation.FailureMessage);
        var savepoint = operation.Location!.TrimEnd('/');

        var withoutOwnCheckpoints = await RestoreAndFailOnceAtTheEndAsync(savepoint);
        AssertStartsWith($"restored job {withoutOwnCheckpoints.JobId} (attempt 2) from savepoint (native) {operation.CheckpointId} of job {first} "
            + $"(the snapshot the job started from) at {savepoint}", withoutOwnCheckpoints.StateOrigin);

        var checkpoints = NewDirectory("own-checkpoints");
        var withOwnCheckpoints = await RestoreAndFailOnceAtTheEndAsync(savepoint,
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", checkpoints));
        Assert.Matches($@"^restored job {withOwnCheckpoints.JobId} \(attempt 2\) from checkpoint \d+ of this job at .*{Regex.Escape(Path.Combine(checkpoints, withOwnCheckpoints.JobId.Value))}/chk-\d+/?, ",
            withOwnCheckpoints.StateOrigin);
    }

    [Fact]
    public async Task InClaimModeTheRestoredCheckpointBelongsToTheNewJobAndIsSubsumedFileByFileLeavingFilesItDoesNotReference()
    {
        var checkpoints = NewDirectory("claimed");
        var retained = await RetainedCheckpointAsync(checkpoints, parallelism: 2, records: 1_000, checkpoints: 1);
        var stateFiles = Directory.GetFiles(retained, "*.state");
        Assert.NotEmpty(stateFiles);
        var foreign = SavepointFolders.PlaceForeignFile(retained);

        var second = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(
            ("execution.state-recovery.path", retained), ("execution.state-recovery.claim-mode", "CLAIM"),
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", checkpoints)), 2);
        var details = await fixture.Cluster.WaitForEndAsync(second, TimeSpan.FromMinutes(2));

        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Contains("(CLAIM)", details.StateOrigin);
        Assert.All(await CountsAsync(second, 2), c => Assert.Equal(Records / Keys, c.Value));
        // Subsumed by the new job's own checkpoints (num-retained 1): exactly its own files are deleted.
        Assert.False(File.Exists(Path.Combine(retained, "_metadata")), "the claimed checkpoint was subsumed and deleted");
        Assert.All(stateFiles, file => Assert.False(File.Exists(file), file));
        SavepointFolders.AssertOnlyForeignFileLeft(retained, foreign);
    }

    [Fact]
    public async Task AJobWithoutItsOwnMaxParallelismAdoptsTheSnapshotsAndAnExplicitDifferentOneIsRefused()
    {
        var target = NewDirectory("savepoints");
        var first = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("pipeline.max-parallelism", "256")), 2);
        await fixture.Cluster.WaitForRecordsAsync(first, "count", 2, 1_000);
        var operation = await fixture.Cluster.WaitForSavepointAsync(first, await fixture.Cluster.Job(first).TriggerSavepointAsync(new SavepointRequest(target, Then: SavepointTermination.Stop)));
        Assert.True(operation.Succeeded, operation.FailureMessage);

        var refused = await Assert.ThrowsAsync<JobConfigurationException>(() => fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name,
            CountJob(("execution.state-recovery.path", operation.Location!), ("pipeline.max-parallelism", "512")), 2));
        Assert.StartsWith("Max parallelism mismatch between checkpoint/savepoint state and new program.", refused.Message);
        Assert.Contains("max parallelism 256", refused.Message);

        var adopted = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("execution.state-recovery.path", operation.Location!)), 3);
        var details = await fixture.Cluster.WaitForEndAsync(adopted, TimeSpan.FromMinutes(2));
        Assert.Equal(JobStatus.Finished, details.Status);
        Assert.Equal(256, details.MaxParallelism);
        Assert.All(await CountsAsync(adopted, 3), c => Assert.Equal(Records / Keys, c.Value));
    }

    [Fact]
    public async Task DisposeDeletesASavepointButRefusesACheckpointAndAMissingPath()
    {
        var target = NewDirectory("savepoints");
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 1);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 1, 200);
        var operation = await fixture.Cluster.WaitForSavepointAsync(jobId, await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(target, Then: SavepointTermination.Cancel)));
        var registry = fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);

        await registry.DisposeSavepointAsync(operation.Location! + "/_metadata");
        Assert.False(Directory.Exists(operation.Location), "the savepoint's folder is gone");
        var again = await Assert.ThrowsAsync<SavepointException>(() => registry.DisposeSavepointAsync(operation.Location!));
        Assert.Contains("Cannot find checkpoint or savepoint", again.Message);

        var retained = await RetainedCheckpointAsync(NewDirectory("retained"), parallelism: 1, records: 0, checkpoints: 1);
        var refused = await Assert.ThrowsAsync<SavepointException>(() => registry.DisposeSavepointAsync(retained));
        Assert.Contains("not a savepoint", refused.Message);
        Assert.True(File.Exists(Path.Combine(retained, "_metadata")), "a refused disposal deletes nothing");
    }
}
