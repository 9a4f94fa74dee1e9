using System.Diagnostics;
using GrainFlow.Checkpoints;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Hosting;
using GrainFlow.Testing.Network;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Storage.AzureBlob;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Bench.LargeState;

/// <summary>
/// One measured setting of the large-state suites: an in-process silo running <see cref="LargeStateJob"/>
/// at parallelism 1 with checkpoints on a local directory or a fresh Azurite (restarted for every
/// setting: it slows down when reused), and the same storage reachable directly for raw figures.
/// </summary>
internal sealed class LargeStateRun : IAsyncDisposable
{
    /// <summary>The value stored per key; with its key and encoding one entry takes about 1 KiB.</summary>
    public const int ValueBytes = 1000;
    private const int SerializedEntryBytes = 1016;

    private readonly IHost _host;
    private readonly string _directory;
    private readonly BenchAzurite? _azurite;
    private readonly Dictionary<string, string> _backendSettings;
    private JobId? _jobId;

    private LargeStateRun(IHost host, string directory, BenchAzurite? azurite, IObjectStore store, string checkpointDir, long keys, Dictionary<string, string> backendSettings)
    {
        _backendSettings = backendSettings;
        _host = host;
        _directory = directory;
        _azurite = azurite;
        Store = store;
        CheckpointDir = checkpointDir;
        Keys = keys;
    }

    /// <summary>The checkpoint storage, for raw reads and writes (checkpoints are at its root, under the job id).</summary>
    public IObjectStore Store { get; }

    public string CheckpointDir { get; }

    public long Keys { get; }

    private IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IJobManagerGrain Job => Grains.GetGrain<IJobManagerGrain>(_jobId!.Value.Value);

    /// <param name="arguments">The state backend and checkpoint kind (the heap backend with full checkpoints when not given).</param>
    public static async Task<LargeStateRun> StartAsync(string storage, long stateBytes, LargeStateArguments? arguments = null)
    {
        var directory = Directory.CreateTempSubdirectory("grainflow-bench-large-").FullName;
        var backendSettings = new Dictionary<string, string>
        {
            ["state.backend.type"] = arguments?.Backend ?? "hashmap",
            ["execution.checkpointing.incremental"] = (arguments?.Incremental ?? false) ? "true" : "false",
            ["execution.state-recovery.from-local"] = (arguments?.LocalRecovery ?? false) ? "true" : "false",
        };
        if (backendSettings["state.backend.type"] == "rocksdb") backendSettings["state.backend.rocksdb.localdir"] = Path.Combine(directory, "rocksdb");
        BenchAzurite? azurite = null;
        IObjectStore store;
        string checkpointDir;
        var extra = new List<string>();
        if (storage == "azurite")
        {
            azurite = await BenchAzurite.StartAsync();
            var container = azurite.NewContainerName("bench");
            store = AzureBlobObjectStore.FromConnectionString(azurite.ConnectionString, container);
            checkpointDir = $"azblob://{container}";
            extra.AddRange(["-D", $"grainflow.storage.azure.connection-string={azurite.ConnectionString}"]);
        }
        else
        {
            checkpointDir = Path.Combine(directory, "checkpoints");
            store = new FileSystemObjectStore(checkpointDir);
        }

        var builder = GrainFlowSilo.CreateBuilder(
            ["-D", $"grainflow.storage.dir={Path.Combine(directory, "data")}", "-D", $"grainflow.silo.port={FreeLoopbackPort.Find()}", "-D", $"grainflow.gateway.port={FreeLoopbackPort.Find()}", "-D", "grainflow.rest.enabled=false", .. extra],
            out _, out _);
        builder.Services.AddSingleton(new JobRegistration(LargeStateJob.Name, _ => new LargeStateJob()));
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("GrainFlow", LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        // The results table is the only thing on stdout.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var host = builder.Build();
        await host.StartAsync();
        return new LargeStateRun(host, directory, azurite, store, checkpointDir, Math.Max(1, stateBytes / SerializedEntryBytes), backendSettings);
    }

    /// <summary>Submits the job and waits until its source emitted every key (the state is complete at the next barrier).</summary>
    /// <returns>When the last key was emitted: checkpoints triggered after it hold the whole state.</returns>
    /// <param name="minPause">The quiet time between checkpoints (the benchmark writes raw data there).</param>
    /// <param name="valueType">The job's <c>value-type</c>: <c>bytes</c> or <c>record</c>.</param>
    /// <param name="interval">The checkpoint interval.</param>
    /// <param name="churnPerSecond">Keys updated per second once every key was emitted (the job's <c>churn-per-second</c>).</param>
    public async Task<DateTimeOffset> SubmitAndBuildStateAsync(TimeSpan minPause, string valueType = "bytes", string interval = "1 s", long churnPerSecond = 0)
    {
        var settings = new Dictionary<string, string>
        {
            ["keys"] = Keys.ToString(),
            ["value-bytes"] = ValueBytes.ToString(),
            ["value-type"] = valueType,
            ["execution.checkpointing.interval"] = interval,
            ["execution.checkpointing.mode"] = "EXACTLY_ONCE",
            ["execution.checkpointing.timeout"] = "10 min",
            ["execution.checkpointing.min-pause"] = $"{(long)minPause.TotalMilliseconds} ms",
            ["execution.checkpointing.dir"] = CheckpointDir,
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
            ["restart-strategy.type"] = "fixed-delay",
            ["restart-strategy.fixed-delay.attempts"] = "100",
            ["restart-strategy.fixed-delay.delay"] = "10 ms",
            ["churn-per-second"] = churnPerSecond.ToString(),
        };
        foreach (var (key, value) in _backendSettings) settings[key] = value;
        _jobId = await Grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(new JobSubmission(LargeStateJob.Name, settings, 1));
        var source = Grains.GetGrain<ISubtaskGrain>(SubtaskKey.Of(_jobId.Value, "keys", 0));
        var deadline = Stopwatch.StartNew();
        while ((await source.GetMetricsAsync()).SourceOffsets.GetValueOrDefault("keys-0") < Keys)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("The benchmark job did not emit its keys within 10 minutes.");
            await EnsureRunningAsync();
            await Task.Delay(100);
        }
        return DateTimeOffset.UtcNow;
    }

    /// <summary>Waits for <paramref name="count"/> checkpoints triggered after <paramref name="after"/> to complete.</summary>
    public async Task<List<CheckpointStatistics>> CompletedCheckpointsAsync(DateTimeOffset after, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stats = await Job.GetCheckpointStatsAsync();
            var done = stats.History.Where(c => c.Status == CheckpointStatus.Completed && c.TriggerTime > after).OrderBy(c => c.Id).ToList();
            if (done.Count >= count) return done.Take(count).ToList();
            if (deadline.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException($"Only {done.Count} of {count} checkpoints completed in 20 minutes (failed: {stats.Failed}, {stats.LatestFailed?.FailureMessage}).");
            await EnsureRunningAsync();
            await Task.Delay(200);
        }
    }

    /// <summary>Takes a savepoint of the running job in <paramref name="format"/> and times it from the trigger to its completion.</summary>
    /// <returns>The time and the savepoint's folder.</returns>
    public async Task<(TimeSpan Duration, string Location)> TimeSavepointAsync(string targetDirectory, SavepointFormatType format)
    {
        var watch = Stopwatch.StartNew();
        var trigger = await Job.TriggerSavepointAsync(new SavepointRequest(targetDirectory, format));
        while (true)
        {
            var operation = await Job.GetSavepointOperationAsync(trigger);
            if (operation.Status == SavepointOperationStatus.Completed)
            {
                if (!operation.Succeeded) throw new InvalidOperationException($"The {format} savepoint failed: {operation.FailureMessage}");
                return (watch.Elapsed, operation.Location!);
            }
            if (watch.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException($"The {format} savepoint did not complete within 20 minutes.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Submits a second job restoring from <paramref name="savepoint"/> and times it from the submission
    /// until it runs (its subtask runs only once its state is read and deserialized); then cancels it.
    /// </summary>
    public async Task<TimeSpan> TimeRestoreAsync(string savepoint, string valueType)
    {
        var settings = new Dictionary<string, string>
        {
            ["keys"] = Keys.ToString(),
            ["value-bytes"] = ValueBytes.ToString(),
            ["value-type"] = valueType,
            ["execution.state-recovery.path"] = savepoint,
        };
        foreach (var (key, value) in _backendSettings) settings[key] = value;
        var watch = Stopwatch.StartNew();
        var jobId = await Grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).SubmitAsync(new JobSubmission(LargeStateJob.Name, settings, 1));
        var job = Grains.GetGrain<IJobManagerGrain>(jobId.Value);
        try
        {
            while (true)
            {
                var details = await job.GetDetailsAsync();
                if (details.Status == JobStatus.Running)
                {
                    if (details.StateOrigin?.Contains("savepoint", StringComparison.Ordinal) != true) throw new InvalidOperationException($"The job did not restore from the savepoint: {details.StateOrigin}");
                    return watch.Elapsed;
                }
                if (details.Status.IsTerminal()) throw new InvalidOperationException($"The restoring job ended {details.Status}: {details.Failure?.Message}");
                if (watch.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("The restoring job did not run within 10 minutes.");
                await Task.Delay(10);
            }
        }
        finally
        {
            await job.CancelAsync();
            while (!(await job.GetDetailsAsync()).Status.IsTerminal()) await Task.Delay(50);
        }
    }

    /// <summary>Fails the job and times how long until it runs again with its state restored from the latest checkpoint.</summary>
    public async Task<TimeSpan> FailAndTimeRecoveryAsync()
    {
        var before = await Job.GetDetailsAsync();
        var watch = Stopwatch.StartNew();
        LargeStateJob.RequestFailure();
        while (true)
        {
            var details = await Job.GetDetailsAsync();
            if (details.Attempt > before.Attempt && details.Status == JobStatus.Running) return watch.Elapsed;
            if (details.Status.IsTerminal()) throw new InvalidOperationException($"The job ended {details.Status} instead of restarting: {details.Failure?.Message}");
            if (watch.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("The job did not run again within 10 minutes of the failure.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Cancels the job (its latest checkpoint is retained) and returns the files that checkpoint's <c>_metadata</c>
    /// references: its canonical state files, or RocksDB's files of an incremental checkpoint (shared ones included).
    /// </summary>
    public async Task<List<ObjectInfo>> CancelAndFindStateFilesAsync()
    {
        var latest = (await Job.GetCheckpointStatsAsync()).LatestCompleted ?? throw new InvalidOperationException("No checkpoint completed.");
        await Job.CancelAsync();
        var directory = $"{_jobId}/chk-{latest.Id}/";
        var metadata = Runtime.Checkpointing.CheckpointMetadata.FromBytes((await Store.GetAsync(directory + "_metadata"))!.Data, directory);
        var keys = metadata.Vertices.SelectMany(v => v.Subtasks).SelectMany(s => s.Operators)
            .Where(o => o.State?.RelativePath is { Length: > 0 }).Select(o => directory + o.State!.RelativePath)
            .Concat(Runtime.Checkpointing.IncrementalStateReferences.SharedPaths(metadata))
            .Concat(Runtime.Checkpointing.IncrementalStateReferences.PrivatePaths(metadata).Select(p => directory + p))
            .Distinct(StringComparer.Ordinal);
        var files = new List<ObjectInfo>();
        foreach (var key in keys) files.Add(await Store.GetInfoAsync(key) ?? throw new InvalidOperationException($"'{key}' is referenced by checkpoint {latest.Id} but missing."));
        return files;
    }

    /// <summary>The bytes of every file in the savepoint folder <paramref name="location"/> (a path, or a URL under the store's root).</summary>
    public async Task<long> SizeOfAsync(string location)
    {
        var prefix = location.StartsWith(CheckpointDir, StringComparison.Ordinal) ? location[CheckpointDir.Length..].Trim('/', Path.DirectorySeparatorChar) + "/" : throw new ArgumentException($"'{location}' is not under {CheckpointDir}.");
        long bytes = 0;
        await foreach (var file in Store.ListAsync(prefix)) bytes += file.Size;
        return bytes;
    }

    private async Task EnsureRunningAsync()
    {
        var details = await Job.GetDetailsAsync();
        if (details.Status.IsTerminal()) throw new InvalidOperationException($"The benchmark job ended {details.Status}: {details.Failure?.Message}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
            if (_azurite is not null) await _azurite.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
