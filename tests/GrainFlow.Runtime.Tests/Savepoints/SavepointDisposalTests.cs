using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Savepoints;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.Savepoints;

/// <summary>
/// What deleting a snapshot leaves on disk: a disposal deletes exactly the files the savepoint's
/// <c>_metadata</c> references (and the folder once empty), refuses a <c>_metadata</c> that points
/// outside its folder, and a job's own checkpoint directory keeps files GrainFlow did not write.
/// </summary>
[Collection(SharedClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SavepointDisposalTests(SharedClusterFixture fixture)
{
    private IJobRegistryGrain Registry => fixture.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey);

    private static Dictionary<string, string> CountJob(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["keys"] = "40",
            ["records-per-second"] = "3000",
            ["execution.buffer-timeout.interval"] = "5 ms",
            // State in files, not inline in _metadata: the files are what a deletion must get right.
            ["execution.checkpointing.data-inline-threshold"] = "0",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>A canceled job's savepoint whose keyed state is in files; returns its folder and those files.</summary>
    private async Task<(string Location, string[] StateFiles)> SavepointAsync()
    {
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(), 2);
        await fixture.Cluster.WaitForRecordsAsync(jobId, "count", 2, 200);
        var target = fixture.Directory.Combine($"disposal-{Guid.NewGuid():N}");
        var operation = await fixture.Cluster.WaitForSavepointAsync(jobId,
            await fixture.Cluster.Job(jobId).TriggerSavepointAsync(new SavepointRequest(target, Then: SavepointTermination.Cancel)));
        Assert.True(operation.Succeeded, operation.FailureMessage);
        var stateFiles = Directory.GetFiles(operation.Location!, "*.state");
        Assert.NotEmpty(stateFiles);
        return (operation.Location!, stateFiles);
    }

    [Fact]
    public async Task DisposeDeletesTheFilesTheSavepointReferencesAndLeavesAForeignFileAndWithItTheFolder()
    {
        var (location, stateFiles) = await SavepointAsync();
        var foreign = SavepointFolders.PlaceForeignFile(location);

        await Registry.DisposeSavepointAsync(location);

        Assert.All(stateFiles, file => Assert.False(File.Exists(file), file));
        SavepointFolders.AssertOnlyForeignFileLeft(location, foreign);
        var again = await Assert.ThrowsAsync<SavepointException>(() => Registry.DisposeSavepointAsync(location));
        Assert.StartsWith("Cannot find meta data file '_metadata'", again.Message);
    }

    [Fact]
    public async Task DisposeOfAMetadataReferencingAFileOutsideItsFolderIsRefusedAndDeletesNothing()
    {
        var (location, stateFiles) = await SavepointAsync();
        var outside = Path.Combine(Path.GetDirectoryName(location)!, "outside");
        File.WriteAllText(outside, "someone else's");
        var metadataPath = Path.Combine(location, "_metadata");
        var original = CheckpointMetadata.FromBytes(File.ReadAllBytes(metadataPath), location);
        var referenced = original.StateFiles!.Last().RelativePath;
        var before = Directory.GetFiles(location).Order().ToList();

        foreach (var reference in new[] { "../outside", outside, "count-0/../../outside", "..\\outside", "a//b.state", "./x.state", ".gftmp-x", "" })
        {
            // Checksummed anew: a forged _metadata that passes its own checksum must still not lead the deletion astray.
            File.WriteAllBytes(metadataPath, SnapshotDamage.WithRenamedFile(original, referenced, reference).ToBytes());

            var refused = await Assert.ThrowsAsync<SavepointException>(() => Registry.DisposeSavepointAsync(location));

            Assert.StartsWith("Refusing to dispose the savepoint, nothing was deleted: ", refused.Message);
            Assert.Contains($"the state file '{reference}', which ", refused.Message);
            if (reference == "../outside") Assert.Contains("'../outside', which contains a '.', '..' or empty segment", refused.Message);
            Assert.Equal(before, Directory.GetFiles(location).Order());
            Assert.All(stateFiles, file => Assert.True(File.Exists(file), file));
            Assert.Equal("someone else's", File.ReadAllText(outside));
        }
    }

    [Fact]
    public async Task AFinishedJobDeletesItsCheckpointsButNotAForeignFileInItsCheckpointDirectory()
    {
        var checkpoints = fixture.Directory.Combine($"own-{Guid.NewGuid():N}");
        var jobId = await fixture.Cluster.SubmitAsync(CheckpointedCountJob.Name, CountJob(("records", "15000"),
            ("execution.checkpointing.interval", "100 ms"), ("execution.checkpointing.dir", checkpoints)), 2);
        var jobDirectory = Path.Combine(checkpoints, jobId.Value);
        await RecoveryProbe.WaitUntilAsync(async () => (await fixture.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed >= 1, "a checkpoint completed");
        var foreign = Path.Combine(jobDirectory, "notes-of-the-user.txt");
        File.WriteAllText(foreign, "not GrainFlow's to delete");

        Assert.Equal(JobStatus.Finished, (await fixture.Cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2))).Status);

        // FINISHED discards every checkpoint (and what subsumption left to do): only the foreign file stays.
        Assert.Equal([foreign], Directory.EnumerateFileSystemEntries(jobDirectory, "*", SearchOption.AllDirectories));
    }
}
