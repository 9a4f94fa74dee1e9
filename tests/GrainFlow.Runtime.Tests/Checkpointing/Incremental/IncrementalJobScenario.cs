using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// A checkpointed-count job on the RocksDB backend with incremental checkpoints, run through a real cluster
/// against one checkpoint storage (a folder or a blob container), and the checks that matter for shared state:
/// the files in the job's <c>shared/</c> are exactly those its retained checkpoints reference (none left behind,
/// none missing), and a restore from what is retained gives the failure-free counts.
/// </summary>
/// <param name="checkpointDirectory">What the job is given as <c>execution.checkpointing.dir</c>.</param>
/// <param name="store">The same storage, opened for the test to look at (keys relative to <paramref name="checkpointDirectory"/>).</param>
internal sealed class IncrementalJobScenario(GrainFlowTestCluster cluster, string checkpointDirectory, IObjectStore store,
    string localDirectory, IReadOnlyDictionary<string, string>? storageSettings = null)
{
    public const long Keys = 40;

    public Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["state.backend.type"] = "rocksdb",
            ["execution.checkpointing.incremental"] = "true",
            ["state.backend.rocksdb.localdir"] = localDirectory,
            ["execution.checkpointing.interval"] = "100 ms",
            ["execution.checkpointing.dir"] = checkpointDirectory,
            ["execution.checkpointing.num-retained"] = "2",
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["keys"] = Keys.ToString(),
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "5",
            ["restart-strategy.fixed-delay.delay"] = "50 ms",
        };
        foreach (var (key, value) in storageSettings ?? new Dictionary<string, string>()) settings[key] = value;
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>
    /// Runs the job until <paramref name="checkpoints"/> checkpoints completed, fails it once a little ahead of its
    /// sources, waits for the restored attempt to complete more checkpoints, and ends it with <paramref name="ending"/>.
    /// </summary>
    public async Task<(JobId JobId, JobDetails Details)> RunFailAndEndAsync(string retention, Func<IJobManagerGrain, Task> ending, long records = long.MaxValue)
    {
        var plan = FailurePlan.Create([]);
        var jobId = await cluster.SubmitAsync(CheckpointedCountJob.Name, Settings(
            ("execution.checkpointing.externalized-checkpoint-retention", retention),
            ("records", records.ToString()), ("records-per-second", "3000"), ("failure-plan", plan)), parallelism: 2);
        var probe = new RecoveryProbe(cluster, jobId);
        var before = await probe.WaitForCompletedCheckpointsAsync(3);
        var offsets = (await probe.Subtask("numbers", 0).GetMetricsAsync()).SourceOffsets;
        // The generator numbers records across its 4 splits: this is a little ahead of where split 0 is.
        FailurePlan.AddAtOrAfter(plan, 4 * (offsets["split-0"] + 300));
        await RecoveryProbe.WaitUntilAsync(async () => (await probe.Job.GetDetailsAsync()) is { Attempt: >= 2, Status: JobStatus.Running },
            "the job to restart after the injected failure");
        // Checkpoints of the restored attempt: they reference files the first attempt uploaded as well as new ones.
        await probe.WaitForCompletedCheckpointsAsync(before.Completed + 3);
        Assert.Equal(0, FailurePlan.Remaining(plan));
        await ending(probe.Job);
        return (jobId, await cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(1)));
    }

    /// <summary>The path a job is given to restore from the snapshot in <paramref name="directoryKey"/>.</summary>
    public string ExternalPath(string directoryKey) => $"{checkpointDirectory.TrimEnd('/')}/{directoryKey.TrimEnd('/')}";

    /// <summary>
    /// Cancels a job that keeps its checkpoints after failing it once, checks what it left, then resumes from its latest
    /// checkpoint (NO_CLAIM, the default) to the end: the counts are the failure-free ones, and the snapshot resumed
    /// from still has every file it references.
    /// </summary>
    public async Task RetainResumeAndCheckAsync()
    {
        const long records = 90_000;
        var (jobId, details) = await RunFailAndEndAsync("RETAIN_ON_CANCELLATION", job => job.CancelAsync(), records);
        Assert.Equal(JobStatus.Canceled, details.Status);
        Assert.StartsWith($"restored job {jobId} (attempt 2) from checkpoint", details.StateOrigin);
        var retained = await RetainedAsync(jobId);
        Assert.Equal(2, retained.Count);
        foreach (var metadata in retained.Values) AssertCountStateIsIncremental(metadata);
        await AssertSharedFilesAreExactlyTheReferencedOnesAsync(jobId, retained);

        var latest = retained.Keys.Last();
        // The statistics tell what the checkpoint wrote from the whole state it holds (Flink's checkpointed_size and state_size).
        var statistics = (await cluster.Job(jobId).GetCheckpointStatsAsync()).LatestCompleted!;
        var operators = retained[latest].Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators).ToList();
        Assert.Equal(operators.Sum(o => (o.State?.Size ?? 0) + (o.IncrementalState?.StateSize ?? 0)), statistics.FullSize);
        Assert.InRange(statistics.StateSize, 1, statistics.FullSize);
        var resumed = await cluster.RunToCompletionAsync(CheckpointedCountJob.Name, Settings(
            ("records", records.ToString()), ("records-per-second", "0"), ("execution.state-recovery.path", ExternalPath(latest))), parallelism: 2, TimeSpan.FromMinutes(2));
        var resumedDetails = await cluster.Job(resumed).GetDetailsAsync();
        Assert.Contains("from checkpoint", resumedDetails.StateOrigin);
        await new RecoveryProbe(cluster, resumed).AssertExactCountsAsync(2, records, Keys, resumedDetails);
        // NO_CLAIM: the resumed job neither deleted nor changed what it started from.
        Assert.Equal(retained.Keys, (await RetainedAsync(jobId)).Keys);
        await AssertSharedFilesAreExactlyTheReferencedOnesAsync(jobId, retained);
    }

    /// <summary>The <c>_metadata</c> of every checkpoint of the job that is in the storage, by directory key.</summary>
    public async Task<SortedDictionary<string, CheckpointMetadata>> RetainedAsync(JobId jobId)
    {
        var retained = new SortedDictionary<string, CheckpointMetadata>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync($"{jobId}/{CheckpointLayout.CheckpointPrefix}"))
        {
            if (!info.Key.EndsWith("/" + CheckpointLayout.MetadataFileName, StringComparison.Ordinal)) continue;
            var directory = info.Key[..^CheckpointLayout.MetadataFileName.Length];
            retained[directory] = CheckpointMetadata.FromBytes((await store.GetAsync(info.Key))!.Data, directory);
        }
        return retained;
    }

    /// <summary>Every key the storage holds under the job's directory.</summary>
    public async Task<SortedSet<string>> StoredKeysAsync(JobId jobId)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync($"{jobId}/")) keys.Add(info.Key);
        return keys;
    }

    /// <summary>
    /// Fails unless the job's <c>shared/</c> holds exactly the shared files its retained checkpoints reference, and every
    /// private file they reference is in its checkpoint's directory.
    /// </summary>
    public async Task AssertSharedFilesAreExactlyTheReferencedOnesAsync(JobId jobId, SortedDictionary<string, CheckpointMetadata> retained)
    {
        var stored = await StoredKeysAsync(jobId);
        var referenced = retained.Values.SelectMany(IncrementalStateReferences.SharedPaths).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(referenced);
        var shared = stored.Where(k => k.StartsWith(CheckpointLayout.SharedDirectory(jobId), StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var missing = referenced.Except(shared).Order(StringComparer.Ordinal).ToList();
        var leftBehind = shared.Except(referenced).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"shared files referenced but missing: {string.Join(", ", missing)}");
        Assert.True(leftBehind.Count == 0, $"shared files no retained checkpoint references: {string.Join(", ", leftBehind)}");
        foreach (var (directory, metadata) in retained)
        {
            var privateMissing = IncrementalStateReferences.PrivatePaths(metadata).Where(p => !stored.Contains(directory + p)).ToList();
            Assert.True(privateMissing.Count == 0, $"{directory}: private files missing: {string.Join(", ", privateMissing)}");
        }
    }

    /// <summary>The counting operator's state in <paramref name="metadata"/> is incremental (RocksDB's files), for every subtask.</summary>
    public static void AssertCountStateIsIncremental(CheckpointMetadata metadata)
    {
        var counts = metadata.OperatorSnapshots("count").ToList();
        Assert.NotEmpty(counts);
        Assert.All(counts, s => Assert.NotNull(s.IncrementalState));
    }
}
