using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// Damaged snapshots over HTTP: <c>POST /jars/:id/run</c> from one answers 400 in Flink's error shape
/// naming the file and creates nothing; a resume that passed over one lists it in the restore entry of
/// <c>GET /jobs/:id/checkpoints</c>.
/// </summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DamagedSnapshotRestTests(LoopbackRestFixture fixture)
{
    private async Task<int> JobCountAsync() => (await fixture.Http.GetJsonAsync("/jobs")).Object["jobs"]!.AsArray().Count;

    /// <summary>Runs keyed-count until it retained two checkpoints (every state in a file), cancels it, and returns them, oldest first.</summary>
    private async Task<List<string>> RetainedCheckpointsAsync(string directory)
    {
        var cluster = fixture.Rest.Cluster;
        var jobId = await cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "100 ms", ["execution.checkpointing.dir"] = directory,
            ["execution.checkpointing.num-retained"] = "2", ["execution.checkpointing.data-inline-threshold"] = "0",
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
        });
        await cluster.WaitForCompletedCheckpointsAsync(jobId, 2);
        Assert.Equal(JobStatus.Canceled, await cluster.Job(jobId).CancelAsync());
        return Directory.GetDirectories(Path.Combine(directory, jobId.Value), "chk-*")
            .OrderBy(d => long.Parse(Path.GetFileName(d)["chk-".Length..])).ToList();
    }

    [Fact]
    public async Task RunFromADamagedSnapshotIsABadRequestNamingTheFileAndResumeLatestReportsWhatItSkipped()
    {
        var checkpoints = fixture.Rest.Directory.Combine($"damaged-{Guid.NewGuid():N}");
        var retained = await RetainedCheckpointsAsync(checkpoints);
        Assert.Equal(2, retained.Count);
        var file = await SnapshotDamage.ApplyAsync(new FileSystemObjectStore(retained[1]), "", SnapshotDamageKind.FlippedStateByte);
        var jobsBefore = await JobCountAsync();

        var refused = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", $$"""{"savepointPath": "{{retained[1]}}"}""");

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.StartsWith($"Cannot restore from '{retained[1]}': The state file '{retained[1]}/{file}' is damaged", refused.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());

        var resumed = await fixture.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", $$"""
            {"programArgsList": ["--records", "100000000", "--records-per-second", "1000", "--sink", "discard"],
             "flinkConfiguration": {"execution.checkpointing.dir": "{{checkpoints}}", "grainflow.state-recovery.resume": "latest"} }
            """);
        Assert.True(resumed.Status == HttpStatusCode.OK, resumed.ToString());
        var jobId = JobId.Parse(resumed.Object["jobid"]!.GetValue<string>());
        try
        {
            var restored = (await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints")).Object["latest"]!["restored"]!;
            Assert.Equal(retained[0], restored["external_path"]!.GetValue<string>().TrimEnd('/'));
            var skipped = Assert.Single(restored["skipped"]!.AsArray())!;
            Assert.Equal(retained[1], skipped["external_path"]!.GetValue<string>());
            Assert.Equal(long.Parse(Path.GetFileName(retained[1])["chk-".Length..]), skipped["id"]!.GetValue<long>());
            Assert.Contains($"{file}' is damaged", skipped["reason"]!.GetValue<string>());
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }
}
