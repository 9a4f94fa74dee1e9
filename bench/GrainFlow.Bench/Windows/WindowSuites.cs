using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples.UserSessions;

namespace GrainFlow.Bench.Windows;

/// <summary>
/// Issue 13 §5. <c>user-sessions</c>: the example job on its generator, output discarded, without
/// checkpoints and with EXACTLY_ONCE checkpoints, interleaved run by run. <c>windows</c>: per-user
/// tumbling, sliding and session counts over the same events, next to the plain loop of each.
/// </summary>
internal static class WindowSuites
{
    private const string Plain = "loop";
    private const string Unchecked = "grainflow";
    private const string Checkpointed = "checkpointed";

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = WindowArguments.Parse(args);
        var modes = arguments.Suite == WindowArguments.UserSessions
            ? [Unchecked, Checkpointed]
            : arguments.Kinds.SelectMany(k => new[] { $"{Plain}:{k}", $"{Unchecked}:{k}", $"{Checkpointed}:{k}" }).ToArray();
        var results = modes.ToDictionary(m => m, _ => new List<WindowMeasurement>());
        Console.Error.WriteLine($"{arguments.Suite}: {arguments.Events:N0} events of {arguments.Users:N0} users, one every {arguments.IntervalMs} ms of event time, parallelism {arguments.Parallelism}, {arguments.Runs} runs, {Environment.ProcessorCount} cores");
        for (var run = 1; run <= arguments.Runs; run++)
        {
            // Interleaved, so that a noisy moment of the machine hits every configuration alike.
            foreach (var mode in modes)
            {
                var m = await WindowMeasurement.MeasureInChildAsync(mode, args);
                results[mode].Add(m);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run}: {m.Name}: {m.EventsPerSecond / 1e6:0.000} M events/s ({m.Seconds:0.0} s{(m.SteadyEventsPerSecond > 0 ? $"; from 10 to 90 % of the output {m.SteadyEventsPerSecond / 1e6:0.000} M events/s" : "")}), {m.CpuSeconds * 1e9 / m.Events:0} ns CPU per event, peak {m.PeakBytes >> 20} MiB, GC paused {m.GcPauseSeconds:0.00} s ({m.Gen2Collections} full), {m.Checkpoints} checkpoints, median {m.MedianStateBytes / (1 << 20):0.0} MiB in {m.MedianCheckpointMs:0} ms (max {m.MaxCheckpointMs:0} ms)"));
            }
        }

        Console.WriteLine("| configuration | median events/s | ratio | median peak memory | checkpoints per run | median checkpoint size | median / max checkpoint duration |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var mode in modes)
        {
            var measurements = results[mode];
            var rate = Statistics.Median(measurements.Select(m => m.EventsPerSecond));
            // Ratios within the run: checkpointed against the same job without; the job without against the plain loop.
            var reference = mode.StartsWith(Checkpointed, StringComparison.Ordinal) ? Unchecked + mode[Checkpointed.Length..]
                : mode.StartsWith(Unchecked, StringComparison.Ordinal) && arguments.Suite == WindowArguments.Windows ? Plain + mode[Unchecked.Length..] : null;
            var ratio = reference is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{rate / Statistics.Median(results[reference].Select(m => m.EventsPerSecond)):0.000} of {reference.Split(':')[0]}");
            var checkpointColumns = mode.StartsWith(Checkpointed, StringComparison.Ordinal)
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{string.Join(", ", measurements.Select(m => m.Checkpoints))} | {Statistics.Median(measurements.Select(m => m.MedianStateBytes)) / (1 << 20):0.0} MiB | {Statistics.Median(measurements.Select(m => m.MedianCheckpointMs)):0} / {measurements.Max(m => m.MaxCheckpointMs):0} ms")
                : " | | ";
            var steady = measurements.Any(m => m.SteadyEventsPerSecond > 0)
                ? string.Create(CultureInfo.InvariantCulture, $" ({Statistics.Median(measurements.Select(m => m.SteadyEventsPerSecond)) / 1e6:0.000} M from 10 to 90 % of the output)")
                : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {measurements[0].Name} | {rate / 1e6:0.000} M{steady} | {ratio} | {Statistics.Median(measurements.Select(m => (double)m.PeakBytes)) / (1 << 20):0} MiB | {checkpointColumns} |"));
        }
        return 0;
    }

    public static async Task<int> RunChildAsync(string[] args)
    {
        var mode = args[0];
        var arguments = WindowArguments.Parse(args[1..]);
        var measurement = arguments.Suite == WindowArguments.UserSessions
            ? await UserSessionsAsync(arguments, mode == Checkpointed)
            : await WindowCountAsync(arguments, mode.Split(':')[0], Enum.Parse<WindowKind>(mode.Split(':')[1]));
        Console.WriteLine(JsonSerializer.Serialize(measurement with { PeakBytes = Process.GetCurrentProcess().PeakWorkingSet64 }));
        return 0;
    }

    private static async Task<WindowMeasurement> UserSessionsAsync(WindowArguments arguments, bool checkpoints)
    {
        var settings = new Dictionary<string, string>
        {
            [UserSessionsJob.Source.Key] = "generator",
            [UserEventGenerator.Events.Key] = arguments.Events.ToString(CultureInfo.InvariantCulture),
            [UserEventGenerator.Users.Key] = arguments.Users.ToString(CultureInfo.InvariantCulture),
            [UserEventGenerator.Interval.Key] = $"{arguments.IntervalMs} ms",
            [UserSessionsJob.DiscardOutput.Key] = "true",
        };
        foreach (var (key, value) in arguments.BackendSettings()) settings[key] = value;
        var interval = checkpoints ? arguments.CheckpointInterval : null;
        var run = await JobRun.RunAsync(new JobSubmission(UserSessionsJob.Name, settings, arguments.Parallelism), interval);
        // Where each checkpoint's time went, for whoever runs a child directly (the suite keeps only the summary).
        foreach (var c in run.Checkpoints)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  checkpoint {c.Id}: {c.StateSize / (double)(1 << 20):0.0} MiB, end to end {c.EndToEndDuration?.TotalMilliseconds:0} ms, sync {c.MaxSyncDuration.TotalMilliseconds:0} ms, async {c.MaxAsyncDuration.TotalMilliseconds:0} ms, alignment {c.MaxAlignmentDuration.TotalMilliseconds:0} ms"));
        }
        WriteGcSummary();
        var name = $"user-sessions, parallelism {arguments.Parallelism}{arguments.DescribeBackend()}" + (checkpoints ? $", EXACTLY_ONCE checkpoints every {interval}" : ", no checkpoints");
        return WindowMeasurement.FromRun(name, arguments.Events, run);
    }

    /// <summary>For whoever runs a child directly: how often the collector ran and on how much allocation (the suite keeps only the summary).</summary>
    private static void WriteGcSummary()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  GCs: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalSeconds:0.0} s in all, {GC.GetTotalAllocatedBytes() >> 20} MiB allocated, gen0 budget {AppContext.GetData("GCgen0size") ?? "default"}, last gen0 size after GC {info.GenerationInfo[0].SizeAfterBytes >> 10} KiB"));
    }

    private static async Task<WindowMeasurement> WindowCountAsync(WindowArguments arguments, string mode, WindowKind kind)
    {
        var expected = arguments.Events * WindowKinds.WindowsPerEvent(kind);
        if (mode == Plain)
        {
            var (seconds, total, windows) = WindowLoops.Run(kind, arguments.Events, arguments.Users, arguments.IntervalMs);
            if (total != expected) throw new InvalidOperationException($"The plain {kind} loop counted {total} of {expected}.");
            return new WindowMeasurement($"{WindowKinds.Describe(kind)}: plain loop ({windows:N0} windows)", seconds, arguments.Events, seconds, 0);
        }
        var settings = new Dictionary<string, string>
        {
            [WindowCountJob.Events.Key] = arguments.Events.ToString(CultureInfo.InvariantCulture),
            [WindowCountJob.Users.Key] = arguments.Users.ToString(CultureInfo.InvariantCulture),
            [WindowCountJob.IntervalMs.Key] = arguments.IntervalMs.ToString(CultureInfo.InvariantCulture),
            [WindowCountJob.Kind.Key] = kind.ToString(),
        };
        if (arguments.Alignment is { } drift) settings[WindowCountJob.AlignmentDrift.Key] = drift;
        if (arguments.AlignmentUpdate is { } update) settings[WindowCountJob.AlignmentUpdateInterval.Key] = update;
        foreach (var (key, value) in arguments.BackendSettings()) settings[key] = value;
        var interval = mode == Checkpointed ? arguments.CheckpointInterval : null;
        CountedSink.TakeTotals();
        var run = await JobRun.RunAsync(new JobSubmission(WindowCountJob.Name, settings, arguments.Parallelism), interval, new RunProgress(() => CountedSink.CountedSoFar, expected));
        var (counted, fired) = CountedSink.TakeTotals();
        // Not timed: every event must have been counted in each of its windows, or the figure means nothing.
        if (counted != expected) throw new InvalidOperationException($"GrainFlow's {kind} windows counted {counted} of {expected}.");
        WriteGcSummary();
        var name = $"{WindowKinds.Describe(kind)}: GrainFlow, parallelism {arguments.Parallelism}{arguments.DescribeBackend()}{(arguments.Alignment is { } a ? $", sources aligned within {a}" : "")} ({fired:N0} windows)" + (interval is null ? ", no checkpoints" : $", EXACTLY_ONCE checkpoints every {interval}");
        return WindowMeasurement.FromRun(name, arguments.Events, run);
    }
}
