using System.Text.Json;
using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Hosting;
using Orleans.TestingHost;

namespace MyGrainFlowApp.Tests;

/// <summary>
/// Runs the job in an in-process Orleans cluster with GrainFlow on file storage in a temporary folder: the job, its
/// keyed state, its checkpoints and its exactly-once file output are the real ones.
/// </summary>
public sealed class CountPerKeyJobTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"grainflow-job-tests-{Guid.NewGuid():N}");
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var configuration = new GrainFlowConfiguration(new Dictionary<string, string>
        {
            ["grainflow.storage.dir"] = Path.Combine(_root, "data"),
            // Checkpoints while the job runs, so its state goes through snapshots too.
            ["execution.checkpointing.interval"] = "200 ms",
        });
        var builder = new InProcessTestClusterBuilder();
        builder.ConfigureSilo((_, silo) => silo
            .AddGrainFlow(o => o.Configuration = configuration)
            .AddGrainFlowJob<CountPerKeyJob>(CountPerKeyJob.Name));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [Fact]
    public async Task EveryKeyEndsWithTheNumberOfRecordsThatCarriedIt()
    {
        var output = Path.Combine(_root, "output");
        var parameters = new Dictionary<string, string> { ["records"] = "10000", ["keys"] = "10", ["output"] = output };

        var jobId = await _cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey)
            .SubmitAsync(new JobSubmission(CountPerKeyJob.Name, parameters, Parallelism: 2));
        var job = _cluster.Client.GetGrain<IJobManagerGrain>(jobId.Value);
        var status = await WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        var details = await job.GetDetailsAsync();
        Assert.True(status == JobStatus.Finished, $"The job ended {status}: {details.Failure?.Message}");
        var expected = Enumerable.Range(0, 10).ToDictionary(key => (long)key, _ => 1000L);
        Assert.Equal(expected, FinalCounts(output));
    }

    private static async Task<JobStatus> WaitForEndAsync(IJobManagerGrain job, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var status = JobStatus.Created;
        while (!status.IsTerminal() && DateTime.UtcNow < deadline)
        {
            status = await job.WaitForTerminationAsync(TimeSpan.FromSeconds(5));
        }
        return status;
    }

    /// <summary>The highest count of each key in the committed part files (counts only grow).</summary>
    private static Dictionary<long, long> FinalCounts(string output)
    {
        var counts = new Dictionary<long, long>();
        foreach (var file in Directory.EnumerateFiles(output, "part-*.jsonl"))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                var record = JsonSerializer.Deserialize<KeyCount>(line);
                counts[record.Key] = Math.Max(counts.GetValueOrDefault(record.Key), record.Count);
            }
        }
        return counts;
    }

    public async Task DisposeAsync()
    {
        // InitializeAsync may have failed before the cluster existed: its error is the one to see, not one from cleaning up.
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
