using System.Text.Json.Nodes;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Rest.Http;

namespace GrainFlow.Silo.Rest.Responses;

/// <summary>
/// A vertex's figures in Flink's REST shapes: <c>IOMetricsInfo</c> (a vertex's or subtask's
/// <c>metrics</c>), <c>JobVertexDetailsInfo</c> and <c>JobVertexBackPressureInfo</c>. Bytes are not
/// counted (records travel as objects between grains): read-bytes and write-bytes are 0.
/// </summary>
public static class VertexJson
{
    /// <summary>Flink's back pressure levels: ratio ≤ 0.10 ok, ≤ 0.5 low, above high.</summary>
    public static string BackPressureLevel(double ratio) => ratio <= 0.10 ? "ok" : ratio <= 0.5 ? "low" : "high";

    /// <summary>The sum over <paramref name="subtasks"/>; the -complete flags are false when one did not answer.</summary>
    public static JsonObject Metrics(IReadOnlyCollection<SubtaskMetrics?> subtasks)
    {
        var answered = subtasks.OfType<SubtaskMetrics>().ToList();
        var complete = answered.Count == subtasks.Count;
        return new JsonObject
        {
            ["read-bytes"] = 0L,
            ["read-bytes-complete"] = complete,
            ["write-bytes"] = 0L,
            ["write-bytes-complete"] = complete,
            ["read-records"] = answered.Sum(m => m.RecordsIn),
            ["read-records-complete"] = complete,
            ["write-records"] = answered.Sum(m => m.RecordsOut),
            ["write-records-complete"] = complete,
            ["accumulated-backpressured-time"] = (long)answered.Sum(m => m.BackPressuredTime.TotalMilliseconds),
            ["accumulated-idle-time"] = (long)answered.Sum(m => m.IdleTime.TotalMilliseconds),
            ["accumulated-busy-time"] = answered.Sum(m => m.BusyTime.TotalMilliseconds),
        };
    }

    /// <summary><c>GET /jobs/:jobid/vertices/:vertexid</c>.</summary>
    public static JsonObject Details(JobDetails job, VertexDetails vertex, IReadOnlyList<SubtaskMetrics?> subtasks, DateTimeOffset now)
    {
        var rows = new JsonArray();
        for (var i = 0; i < subtasks.Count; i++)
        {
            var figures = subtasks[i];
            var host = figures?.Silo ?? "(unknown)";
            rows.Add(new JsonObject
            {
                ["subtask"] = i,
                ["status"] = figures is null ? "UNKNOWN" : ExecutionState(figures.State),
                ["attempt"] = figures is null ? 0 : Math.Max(0, figures.Attempt - 1),
                ["host"] = host,
                ["endpoint"] = host,
                ["taskmanager-id"] = host,
                ["start-time"] = FlinkJson.Millis(job.StartTime),
                ["end-time"] = FlinkJson.Millis(job.EndTime),
                ["duration"] = FlinkJson.Millis(job.EndTime ?? now) - FlinkJson.Millis(job.StartTime),
                ["metrics"] = Metrics([figures]),
            });
        }
        return new JsonObject
        {
            ["id"] = vertex.Uid,
            ["name"] = vertex.Name,
            ["parallelism"] = vertex.Parallelism,
            ["maxParallelism"] = job.MaxParallelism,
            ["now"] = FlinkJson.Millis(now),
            ["subtasks"] = rows,
        };
    }

    /// <summary><c>GET /jobs/:jobid/vertices/:vertexid/backpressure</c>, from each subtask's recent back-pressured, idle and busy ms per second.</summary>
    public static JsonObject BackPressure(IReadOnlyList<SubtaskMetrics?> subtasks, DateTimeOffset now)
    {
        var rows = new JsonArray();
        var worst = 0.0;
        for (var i = 0; i < subtasks.Count; i++)
        {
            if (subtasks[i] is not { } figures) continue;
            var ratio = figures.BackPressuredTimeMsPerSecond / 1000;
            worst = Math.Max(worst, ratio);
            rows.Add(new JsonObject
            {
                ["subtask"] = i,
                ["attempt-number"] = Math.Max(0, figures.Attempt - 1),
                ["backpressure-level"] = BackPressureLevel(ratio),
                ["ratio"] = ratio,
                ["idleRatio"] = figures.IdleTimeMsPerSecond / 1000,
                ["busyRatio"] = figures.BusyTimeMsPerSecond / 1000,
            });
        }
        return new JsonObject
        {
            ["status"] = "ok",
            ["backpressure-level"] = BackPressureLevel(worst),
            ["end-timestamp"] = FlinkJson.Millis(now),
            ["subtasks"] = rows,
        };
    }

    /// <summary>A subtask's phase as Flink's ExecutionState (IDLE: deployed nowhere yet, CREATED).</summary>
    private static string ExecutionState(string phase) => phase switch
    {
        "IDLE" => "CREATED",
        "DEPLOYED" => "DEPLOYING",
        _ => phase,
    };
}
