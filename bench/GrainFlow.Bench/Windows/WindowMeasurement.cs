using System.Diagnostics;
using System.Text.Json;

namespace GrainFlow.Bench.Windows;

/// <summary>One measured run, made in a child process (so peak memory is the run's own), printed as JSON on the child's last line.</summary>
internal sealed record WindowMeasurement(
    string Name, double Seconds, long Events, double CpuSeconds, long PeakBytes,
    int Checkpoints = 0, double MedianStateBytes = 0, double MedianCheckpointMs = 0, double MaxCheckpointMs = 0, double GcPauseSeconds = 0, int Gen2Collections = 0, double SteadyEventsPerSecond = 0)
{
    public const string ChildCommand = "measure-window";

    public double EventsPerSecond => Events / Seconds;

    public static async Task<WindowMeasurement> MeasureInChildAsync(string mode, string[] suiteArgs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(WindowMeasurement).Assembly.Location);
        start.ArgumentList.Add(ChildCommand);
        start.ArgumentList.Add(mode);
        foreach (var arg in suiteArgs) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0) throw new InvalidOperationException($"The {mode} measurement failed:\n{await stdout}\n{await stderr}");
        var last = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonSerializer.Deserialize<WindowMeasurement>(last)!;
    }

    public static WindowMeasurement FromRun(string name, long events, JobRunResult run)
    {
        var durations = run.Checkpoints.Select(c => c.EndToEndDuration?.TotalMilliseconds ?? 0).ToList();
        return new WindowMeasurement(name, run.Seconds, events, run.CpuSeconds, 0, run.Checkpoints.Count,
            run.Checkpoints.Count == 0 ? 0 : Statistics.Median(run.Checkpoints.Select(c => (double)c.StateSize)),
            durations.Count == 0 ? 0 : Statistics.Median(durations), durations.Count == 0 ? 0 : durations.Max(), run.GcPauseSeconds, run.Gen2Collections,
            run.SteadySeconds > 0 ? events * 0.8 / run.SteadySeconds : 0);
    }
}
