using System.Globalization;
using GrainFlow.Checkpoints;

namespace GrainFlow.Client.Output;

/// <summary>Prints <c>grainflow checkpoints</c> like the Checkpoints tab of Flink's web UI: overview, then history.</summary>
internal static class CheckpointStatsPrinter
{
    public static void Print(TextWriter output, CheckpointStatsSnapshot stats)
    {
        output.WriteLine($"Checkpoints: {stats.Total} triggered, {stats.InProgress} in progress, {stats.Completed} completed, {stats.Failed} failed, {stats.Restored} restored");
        output.WriteLine($"Latest completed: {(stats.LatestCompleted is { } c ? $"{c.Id} at {c.ExternalPath}" : "none")}");
        if (stats.LatestFailed is { } f) output.WriteLine($"Latest failed:    {f.Id}: {SingleLine.Of(f.FailureMessage ?? "")}");
        if (stats.LatestRestore is { } r)
        {
            output.WriteLine($"Latest restore:   checkpoint {r.CheckpointId} from {r.ExternalPath} at {FlinkTime.Format(r.RestoreTime)}");
            foreach (var skipped in r.Skipped ?? []) output.WriteLine($"  skipped damaged {SingleLine.Of(skipped.ToString())}");
        }
        if (stats.History.Count == 0)
        {
            output.WriteLine("No checkpoints yet.");
            return;
        }
        output.WriteLine("ID     STATUS       ACKS    TRIGGERED            END-TO-END  SYNC     ASYNC    ALIGNMENT  STATE SIZE");
        foreach (var h in stats.History)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{h.Id,-6} {Status(h.Status),-12} {h.AcknowledgedSubtasks + "/" + h.ExpectedSubtasks,-7} {FlinkTime.Format(h.TriggerTime),-20} {Ms(h.EndToEndDuration),-11} {Ms(h.MaxSyncDuration),-8} {Ms(h.MaxAsyncDuration),-8} {Ms(h.MaxAlignmentDuration),-10} {h.StateSize} B"));
        }
    }

    private static string Status(CheckpointStatus status) => status switch
    {
        CheckpointStatus.InProgress => "IN_PROGRESS",
        CheckpointStatus.Completed => "COMPLETED",
        _ => "FAILED",
    };

    private static string Ms(TimeSpan? duration) => duration is { } d ? $"{d.TotalMilliseconds:0} ms" : "-";
}
