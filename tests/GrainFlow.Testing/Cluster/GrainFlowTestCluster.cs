using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Examples;
using GrainFlow.Storage;
using GrainFlow.Topics;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace GrainFlow.Testing.Cluster;

/// <summary>
/// An in-process Orleans cluster running GrainFlow on a given object store, with the example jobs
/// and any extra jobs a test registers. Several clusters can be started one after another on the
/// same store to prove that data outlives every silo.
/// </summary>
public sealed class GrainFlowTestCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private GrainFlowTestCluster(InProcessTestCluster cluster, IObjectStore store)
    {
        _cluster = cluster;
        Store = store;
    }

    public IClusterClient Client => _cluster.Client;

    public IObjectStore Store { get; }

    public InProcessTestCluster Cluster => _cluster;

    /// <param name="store">Where job records and topics live.</param>
    /// <param name="configureSilo">Registers a test's own jobs (and anything else) on every silo.</param>
    /// <param name="configuration">Cluster-wide GrainFlow keys.</param>
    public static async Task<GrainFlowTestCluster> StartAsync(
        IObjectStore store,
        int silos = 1,
        Action<ISiloBuilder>? configureSilo = null,
        IReadOnlyDictionary<string, string>? configuration = null,
        Action<IClientBuilder>? configureClient = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        var settings = new GrainFlowConfiguration(configuration ?? new Dictionary<string, string>());
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGrainFlow(o =>
            {
                o.Configuration = settings;
                o.StoreFactory = _ => store;
            });
            silo.AddExampleJobs();
            configureSilo?.Invoke(silo);
        });
        if (configureClient is not null) builder.ConfigureClient(configureClient);
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            // A silo that refused to start must not keep the others (or their ports) alive.
            await cluster.DisposeAsync();
            throw;
        }
        return new GrainFlowTestCluster(cluster, store);
    }

    /// <summary>Every record of one partition from <paramref name="from"/> on, read through the partition grain as any reader would.</summary>
    public async Task<List<StoredTopicRecord>> ReadPartitionAsync(string topic, int partition, long from = 0)
    {
        var grain = Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(topic, partition));
        var all = new List<StoredTopicRecord>();
        while (true)
        {
            var read = await grain.ReadAsync(from, 100);
            all.AddRange(read.Records);
            if (read.NextOffset >= read.EndOffset) return all;
            from = read.NextOffset;
        }
    }

    /// <summary>Submits a job and returns its id.</summary>
    public Task<JobId> SubmitAsync(string jobName, IReadOnlyDictionary<string, string>? parameters = null, int? parallelism = null) =>
        Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey)
            .SubmitAsync(new JobSubmission(jobName, parameters ?? new Dictionary<string, string>(), parallelism));

    public IJobManagerGrain Job(JobId jobId) => Client.GetGrain<IJobManagerGrain>(jobId.Value);

    /// <summary>Waits until at least <paramref name="count"/> checkpoints of the job completed.</summary>
    public Task WaitForCompletedCheckpointsAsync(JobId jobId, int count, TimeSpan? timeout = null) =>
        Polling.Poll.UntilAsync(async () => (await Job(jobId).GetCheckpointStatsAsync()).Completed >= count, $"{count} checkpoints of job {jobId} completed", timeout);

    /// <summary>Waits for the job to end; fails the test with the job's failure when it does not finish in time.</summary>
    public async Task<JobDetails> WaitForEndAsync(JobId jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var status = await Job(jobId).WaitForTerminationAsync(TimeSpan.FromSeconds(5));
            if (status.IsTerminal()) return await Job(jobId).GetDetailsAsync();
        }
        var details = await Job(jobId).GetDetailsAsync();
        throw new TimeoutException($"Job {jobId} is still {details.Status} after the timeout.");
    }

    /// <summary>Waits until the <paramref name="parallelism"/> subtasks of vertex <paramref name="vertexUid"/> received <paramref name="atLeast"/> records together.</summary>
    public async Task WaitForRecordsAsync(JobId jobId, string vertexUid, int parallelism, long atLeast, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            long total = 0;
            for (var i = 0; i < parallelism; i++)
            {
                total += (await Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, vertexUid, i)).GetMetricsAsync()).RecordsIn;
            }
            if (total >= atLeast) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Job {jobId} did not process {atLeast} records in '{vertexUid}' in time.");
    }

    /// <summary>Triggers a checkpoint once none is in progress (one the job took by itself may be) and waits until it completed; returns its id.</summary>
    public async Task<long> CheckpointNowAsync(JobId jobId, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        await Polling.Poll.UntilAsync(async () => (await Job(jobId).GetCheckpointStatsAsync()).InProgress == 0, $"job {jobId} has no checkpoint in progress", limit);
        var id = await Job(jobId).TriggerCheckpointAsync();
        await Polling.Poll.UntilAsync(async () => ((await Job(jobId).GetCheckpointStatsAsync()).LatestCompleted?.Id ?? 0) >= id, $"checkpoint {id} of job {jobId} completed", limit);
        return id;
    }

    /// <summary>Polls a triggered savepoint until it completed (successfully or not).</summary>
    public async Task<SavepointOperation> WaitForSavepointAsync(JobId jobId, string triggerId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var operation = await Job(jobId).GetSavepointOperationAsync(triggerId);
            if (operation.Status == SavepointOperationStatus.Completed) return operation;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Savepoint {triggerId} of job {jobId} did not complete in time.");
            await Task.Delay(50);
        }
    }

    /// <summary>The job's subtask grains that have an activation now, anywhere in the cluster.</summary>
    public async Task<IReadOnlyList<GrainId>> SubtaskActivationsAsync(JobId jobId) =>
        (await ActivationsAsync())
            .Where(a => a.GrainType.Contains("SubtaskGrain", StringComparison.Ordinal) && a.GrainId.Key.ToString()!.StartsWith($"{jobId}/", StringComparison.Ordinal))
            .Select(a => a.GrainId)
            .ToList();

    /// <summary>Deactivates the job's subtask grains now, as Orleans collects idle activations in time, and waits until they are gone.</summary>
    public async Task DeactivateSubtasksAsync(JobId jobId) => await DeactivateAsync([.. await SubtaskActivationsAsync(jobId)]);

    /// <summary>Deactivates <paramref name="grains"/> now and waits until none of them has an activation; the next call activates one afresh from its stored state.</summary>
    public async Task DeactivateAsync(params GrainId[] grains)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        foreach (var grain in grains) await management.DeactivateGrain(grain);
        await Polling.Poll.UntilAsync(async () => !(await ActivationsAsync()).Any(a => grains.Contains(a.GrainId)), $"{grains.Length} grains deactivated");
    }

    private Task<DetailedGrainStatistic[]> ActivationsAsync() => Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();

    /// <summary>Runs a job to its end and fails unless it FINISHED (showing the failure cause).</summary>
    public async Task<JobId> RunToCompletionAsync(string jobName, IReadOnlyDictionary<string, string>? parameters = null, int? parallelism = null, TimeSpan? timeout = null)
    {
        var jobId = await SubmitAsync(jobName, parameters, parallelism);
        var details = await WaitForEndAsync(jobId, timeout);
        if (details.Status != JobStatus.Finished)
        {
            throw new InvalidOperationException($"Job {jobName} ended {details.Status}: {details.Failure?.ExceptionType}: {details.Failure?.Message}");
        }
        return jobId;
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }
}
