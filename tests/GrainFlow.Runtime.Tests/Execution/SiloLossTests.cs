using GrainFlow.Jobs;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Runtime.Tests.TestJobs;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary>
/// A silo leaves a three-silo cluster while a checkpointed job runs on it. The job fans its sources
/// in to one count, and the silo that goes hosts a source subtask only: nothing sends to it, so no
/// channel fails — the loss must be found by the subtask's own deactivation report (graceful
/// stop) or by the job manager's heartbeats (crash, with the job manager lost too). Either way the
/// job restores from the latest completed checkpoint on the remaining silos and ends with exactly
/// the failure-free counts. Each test owns its cluster, since it takes a silo away.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SiloLossTests : IDisposable
{
    private const int Parallelism = 3;
    private const long Records = 12_000;
    private const long Keys = 30;

    private readonly TemporaryDirectory _directory = new("grainflow-siloloss");

    [Fact]
    public async Task ASourceSubtaskOnASiloThatShutsDownReportsItsDeactivationAndTheJobRestoresFromTheLatestCheckpoint()
    {
        var details = await RunWithSiloLossAsync(jobManagerOnVictim: false, (cluster, victim) => cluster.Cluster.StopSiloAsync(victim),
            ("heartbeat.interval", "10 min"), ("heartbeat.timeout", "10 min"));
        Assert.Equal("GrainFlow.SubtaskDeactivatedException", details.Failure?.ExceptionType);
        Assert.StartsWith("numbers subtask ", details.Failure!.Origin);
    }

    [Fact]
    public async Task ACrashedSiloTakingASourceSubtaskAndTheJobManagerIsFoundAndTheJobRestoresFromTheLatestCheckpoint()
    {
        var details = await RunWithSiloLossAsync(jobManagerOnVictim: true, (cluster, victim) => cluster.Cluster.KillSiloAsync(victim),
            ("heartbeat.interval", "500 ms"));
        // An in-process kill still runs deactivations, with their time already up: the subtask's
        // report usually dies with its silo, and then only the job manager's heartbeats (after
        // the surviving silos woke it) can find the loss. The process-level test in
        // GrainFlow.Cluster.Tests kills a real process, where no report is ever sent.
        Assert.Contains(details.Failure?.ExceptionType, new[] { "GrainFlow.SubtaskLostException", "GrainFlow.SubtaskDeactivatedException" });
        Assert.StartsWith("numbers subtask ", details.Failure!.Origin);
    }

    private async Task<JobDetails> RunWithSiloLossAsync(bool jobManagerOnVictim, Func<GrainFlowTestCluster, InProcessSiloHandle, Task> loseSilo,
        params (string Key, string Value)[] more)
    {
        await using var cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(_directory.Combine("store")), silos: 3, silo =>
        {
            silo.AddGrainFlowJob<FanInCountJob>(FanInCountJob.Name);
            // Declare a crashed silo dead within seconds rather than after Orleans' production defaults.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
            });
        });
        var settings = new Dictionary<string, string>
        {
            ["execution.checkpointing.interval"] = "200 ms",
            ["execution.checkpointing.dir"] = _directory.Combine("checkpoints"),
            ["execution.buffer-timeout.interval"] = "5 ms",
            ["records"] = Records.ToString(),
            ["keys"] = Keys.ToString(),
            ["records-per-second"] = "800",
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "3",
            ["restart-strategy.fixed-delay.delay"] = "200 ms",
        };
        foreach (var (key, value) in more) settings[key] = value;
        var jobId = await cluster.SubmitAsync(FanInCountJob.Name, settings, Parallelism);
        var probe = new RecoveryProbe(cluster, jobId);
        await probe.WaitForCompletedCheckpointsAsync(1);

        // Three sources on three silos: the victim is a silo that hosts a source subtask but not the count.
        var countSilo = (await probe.Subtask("count", 0).GetMetricsAsync()).Silo;
        var victim = cluster.Cluster.Silos.Skip(1).First(s => s.SiloAddress.ToString() != countSilo);
        var sourcesOnVictim = 0;
        for (var i = 0; i < Parallelism; i++)
        {
            if ((await probe.Subtask("numbers", i).GetMetricsAsync()).Silo == victim.SiloAddress.ToString()) sourcesOnVictim++;
        }
        Assert.Equal(1, sourcesOnVictim);
        await MoveJobManagerAsync(cluster, jobId, jobManagerOnVictim ? victim.SiloAddress : cluster.Cluster.Silos[0].SiloAddress);
        var before = await probe.Job.GetDetailsAsync();
        Assert.Equal(JobStatus.Running, before.Status);
        await loseSilo(cluster, victim);

        var details = await cluster.WaitForEndAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.True(details.Status == JobStatus.Finished, $"{details.Status}: {details.Failure?.ExceptionType}: {details.Failure?.Message}");
        Assert.True(details.Attempt > before.Attempt, $"the job did not restart (attempt {details.Attempt})");
        Assert.StartsWith($"restored job {jobId}", details.StateOrigin);
        Assert.Contains("from checkpoint", details.StateOrigin);
        await probe.AssertExactCountsAsync(1, Records, Keys, details);
        for (var i = 0; i < Parallelism; i++)
        {
            Assert.NotEqual(victim.SiloAddress.ToString(), (await probe.Subtask("numbers", i).GetMetricsAsync()).Silo);
        }
        return details;
    }

    /// <summary>Moves the job manager's activation to <paramref name="target"/> (Orleans migration with a placement hint).</summary>
    private static async Task MoveJobManagerAsync(GrainFlowTestCluster cluster, JobId jobId, SiloAddress target)
    {
        var grainId = cluster.Client.GetGrain<IJobManagerGrain>(jobId.Value).GetGrainId();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (cluster.Cluster.TryGetGrainContext(grainId, out var context) && target.Equals(context!.Address.SiloAddress)) return;
            try
            {
                await cluster.Cluster.MigrateAsync(grainId, target).WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                // Try again: the request may have found the activation busy.
            }
            await cluster.Job(jobId).GetDetailsAsync();
        }
        cluster.Cluster.TryGetGrainContext(grainId, out var last);
        Assert.Fail($"the job manager could not be moved to {target}; it is on {last?.Address.SiloAddress}");
    }

    public void Dispose() => _directory.Dispose();
}
