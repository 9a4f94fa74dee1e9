using System.Text.RegularExpressions;
using GrainFlow.Silo.Examples;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Network;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Runtime.Tests.Hosting;

/// <summary>
/// The only silo of a cluster is killed (<c>kill -9</c>) while a checkpointing job runs, and started
/// again on the same data directory: with nobody left to see the silo die, the restarted cluster
/// must resume the job by itself. Everything is observed on disk, never through a call to the job
/// (a call would wake its job manager).
/// </summary>
[Trait("Category", "Process")]
public sealed class SiloRestartTests : IDisposable
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(20);
    private readonly TemporaryDirectory _workingDirectory = new("grainflow-restart");

    private string CheckpointDirectory => _workingDirectory.Combine("checkpoints");

    [Fact]
    public async Task ARestartedSingleSiloResumesItsRunningJobWithinTheHeartbeatTimeoutWithoutAnyCallToTheJob()
    {
        // Cluster-wide settings (--run submits the job without its own), so the restarted silo is given
        // them too; and the same ports, as an operator restarting the silo on its defaults would.
        string[] settings =
        [
            $"-Dgrainflow.silo.port={FreeLoopbackPort.Find()}", $"-Dgrainflow.gateway.port={FreeLoopbackPort.Find()}",
            "-D", "records=100000000", "-D", "records-per-second=200", "-D", "keys=10",
            "-D", $"execution.checkpointing.dir={CheckpointDirectory}", "-D", "execution.checkpointing.interval=300 ms",
            "-D", "heartbeat.interval=1 s", "-D", $"heartbeat.timeout={HeartbeatTimeout.TotalSeconds:0} s",
        ];
        string jobId;
        long checkpointBefore, outputBefore;
        await using (var first = await SiloProcess.StartAsync(_workingDirectory.Path,
            ["--run", KeyedCountJob.Name, .. settings]))
        {
            jobId = await WaitForJobIdAsync(first);
            await WaitUntilAsync(() => LatestCheckpoint(jobId) >= 2 && CommittedRecords(jobId) > 0, TimeSpan.FromMinutes(1), "the job checkpointed and committed output", first);
            await first.KillAsync();
            checkpointBefore = LatestCheckpoint(jobId);
            outputBefore = CommittedRecords(jobId);
        }

        await using var restarted = await SiloProcess.StartAsync(_workingDirectory.Path, settings);

        await WaitUntilAsync(() => LatestCheckpoint(jobId) > checkpointBefore && CommittedRecords(jobId) > outputBefore, HeartbeatTimeout,
            $"a checkpoint after {checkpointBefore} completed and output grew beyond {outputBefore} records", restarted);
    }

    private static async Task<string> WaitForJobIdAsync(SiloProcess silo)
    {
        Match submitted = Match.Empty;
        await WaitUntilAsync(() => (submitted = Regex.Match(silo.Output, "Job has been submitted with JobID ([0-9a-f]{32})")).Success,
            TimeSpan.FromMinutes(1), "the job was submitted", silo);
        return submitted.Groups[1].Value;
    }

    /// <summary>The newest completed checkpoint of the job (one with _metadata), or 0.</summary>
    private long LatestCheckpoint(string jobId)
    {
        var directory = Path.Combine(CheckpointDirectory, jobId);
        if (!Directory.Exists(directory)) return 0;
        return Directory.EnumerateDirectories(directory, "chk-*")
            .Where(d => File.Exists(Path.Combine(d, "_metadata")))
            .Select(d => long.Parse(Path.GetFileName(d)["chk-".Length..]))
            .DefaultIfEmpty(0).Max();
    }

    /// <summary>Lines in the committed part files of the job's default output directory.</summary>
    private long CommittedRecords(string jobId)
    {
        var output = Path.Combine(_workingDirectory.Path, ".grainflow", "output", jobId);
        return Directory.Exists(output) ? Directory.EnumerateFiles(output, "part-*.jsonl").Sum(f => File.ReadLines(f).LongCount()) : 0;
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, SiloProcess silo) =>
        GrainFlow.Testing.Polling.Poll.UntilAsync(condition, what, timeout, () => $"The silo printed:\n{silo.Output}");

    public void Dispose() => _workingDirectory.Dispose();
}
