using System.Text.Json.Nodes;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Rest.Http;

namespace GrainFlow.Silo.Rest.Responses;

/// <summary>Jobs in Flink's REST shapes: <c>JobIdsWithStatusOverview</c>, <c>JobDetails</c> (overview rows) and <c>JobDetailsInfo</c>.</summary>
public static class JobJson
{
    /// <summary>Flink's ExecutionState names, in Flink's order (every one appears in the task counts).</summary>
    private static readonly string[] ExecutionStates =
        ["CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING", "CANCELED", "FAILED", "RECONCILING", "INITIALIZING"];

    /// <summary>Flink's JobStatus names: every one has a timestamp, 0 when the job never was in it.</summary>
    private static readonly string[] JobStates =
        ["INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING", "CANCELED", "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING"];

    public static JsonObject IdsWithStatus(IEnumerable<JobSummary> jobs) => new()
    {
        ["jobs"] = new JsonArray(jobs.Select(j => (JsonNode)new JsonObject { ["id"] = j.JobId.Value, ["status"] = j.Status.ToFlinkName() }).ToArray()),
    };

    /// <summary>One row of <c>GET /jobs/overview</c>.</summary>
    public static JsonObject Overview(JobDetails job, DateTimeOffset now)
    {
        var tasks = TaskCounts(job);
        tasks["total"] = job.Vertices.Sum(v => v.Parallelism);
        return new JsonObject
        {
            ["jid"] = job.JobId.Value,
            ["name"] = job.Name,
            ["state"] = job.Status.ToFlinkName(),
            ["start-time"] = FlinkJson.Millis(job.StartTime),
            ["end-time"] = FlinkJson.Millis(job.EndTime),
            ["duration"] = Duration(job, now),
            ["last-modification"] = job.Timestamps.Count == 0 ? FlinkJson.Millis(job.StartTime) : FlinkJson.Millis(job.Timestamps.Values.Max()),
            ["tasks"] = tasks,
        };
    }

    /// <summary><c>GET /jobs/:jobid</c>; each vertex's <c>metrics</c> sum its subtasks' figures.</summary>
    public static JsonObject Details(JobDetails job, DateTimeOffset now, IReadOnlyDictionary<string, SubtaskMetrics?[]> subtasks)
    {
        var reached = job.Timestamps.ToDictionary(t => t.Key.ToFlinkName(), t => FlinkJson.Millis(t.Value));
        var timestamps = new JsonObject();
        foreach (var state in JobStates) timestamps[state] = reached.GetValueOrDefault(state);
        var vertices = new JsonArray();
        foreach (var vertex in job.Vertices)
        {
            vertices.Add(new JsonObject
            {
                ["id"] = vertex.Uid,
                ["name"] = vertex.Name,
                ["maxParallelism"] = job.MaxParallelism,
                ["parallelism"] = vertex.Parallelism,
                ["status"] = VertexStatus(job, vertex),
                ["start-time"] = FlinkJson.Millis(job.StartTime),
                ["end-time"] = FlinkJson.Millis(job.EndTime),
                ["duration"] = Duration(job, now),
                ["tasks"] = VertexTaskCounts(job, vertex),
                ["metrics"] = VertexJson.Metrics(subtasks.GetValueOrDefault(vertex.Uid) ?? []),
            });
        }
        return new JsonObject
        {
            ["jid"] = job.JobId.Value,
            ["name"] = job.Name,
            ["isStoppable"] = false,
            ["state"] = job.Status.ToFlinkName(),
            ["job-type"] = "STREAMING",
            ["start-time"] = FlinkJson.Millis(job.StartTime),
            ["end-time"] = FlinkJson.Millis(job.EndTime),
            ["duration"] = Duration(job, now),
            ["maxParallelism"] = job.MaxParallelism,
            ["now"] = FlinkJson.Millis(now),
            ["timestamps"] = timestamps,
            ["vertices"] = vertices,
            ["status-counts"] = VertexCounts(job),
            ["plan"] = new JsonObject
            {
                ["jid"] = job.JobId.Value,
                ["name"] = job.Name,
                ["type"] = "STREAMING",
                ["nodes"] = new JsonArray(job.Vertices.Select(v => (JsonNode)PlanNode(v)).ToArray()),
            },
        };
    }

    /// <summary>One node of Flink's plan; <c>inputs</c> (the edges of the graph) only on vertices that have some, as Flink leaves it off sources.</summary>
    private static JsonObject PlanNode(VertexDetails vertex)
    {
        var node = new JsonObject
        {
            ["id"] = vertex.Uid,
            ["parallelism"] = vertex.Parallelism,
            ["operator"] = "",
            ["operator_strategy"] = "",
            ["description"] = string.Join(" -> ", vertex.OperatorUids),
        };
        if (vertex.Inputs is { Count: > 0 } inputs)
        {
            node["inputs"] = new JsonArray(inputs.Select((input, num) => (JsonNode)new JsonObject
            {
                ["num"] = num,
                ["id"] = input.SourceUid,
                ["ship_strategy"] = input.ShipStrategy,
                ["exchange"] = "pipelined_bounded",
            }).ToArray());
        }
        return node;
    }

    // From the rounded timestamps, so that duration = end-time - start-time exactly, as clients compute it.
    private static long Duration(JobDetails job, DateTimeOffset now) => FlinkJson.Millis(job.EndTime ?? now) - FlinkJson.Millis(job.StartTime);

    /// <summary>The overview's task counts: subtasks per execution state, keys in lower case as Flink's overview has them.</summary>
    private static JsonObject TaskCounts(JobDetails job) =>
        CountsObject(job.Vertices.SelectMany(v => SubtaskStates(job, v)), lowerCase: true);

    /// <summary>Flink's status-counts: vertices per execution state.</summary>
    private static JsonObject VertexCounts(JobDetails job) =>
        CountsObject(job.Vertices.Select(v => (VertexStatus(job, v), 1)), lowerCase: false);

    private static JsonObject VertexTaskCounts(JobDetails job, VertexDetails vertex) =>
        CountsObject(SubtaskStates(job, vertex), lowerCase: false);

    private static JsonObject CountsObject(IEnumerable<(string State, int Count)> states, bool lowerCase)
    {
        var counts = ExecutionStates.ToDictionary(s => s, _ => 0);
        foreach (var (state, count) in states) counts[state] += count;
        var result = new JsonObject();
        foreach (var state in ExecutionStates) result[lowerCase ? state.ToLowerInvariant() : state] = counts[state];
        return result;
    }

    /// <summary>What the subtasks of a vertex are doing, derived from the job's status and the finished count.</summary>
    private static IEnumerable<(string State, int Count)> SubtaskStates(JobDetails job, VertexDetails vertex)
    {
        if (job.Status == JobStatus.Running)
        {
            yield return ("FINISHED", vertex.FinishedSubtasks);
            yield return ("RUNNING", vertex.Parallelism - vertex.FinishedSubtasks);
            yield break;
        }
        yield return (ExecutionStateOf(job.Status), vertex.Parallelism);
    }

    private static string VertexStatus(JobDetails job, VertexDetails vertex) =>
        job.Status == JobStatus.Running
            ? vertex.FinishedSubtasks >= vertex.Parallelism ? "FINISHED" : "RUNNING"
            : ExecutionStateOf(job.Status);

    private static string ExecutionStateOf(JobStatus status) => status switch
    {
        JobStatus.Created => "CREATED",
        JobStatus.Running => "RUNNING",
        JobStatus.Finished => "FINISHED",
        JobStatus.Cancelling or JobStatus.Failing => "CANCELING",
        JobStatus.Failed => "FAILED",
        // A restarting job's subtasks of the failed attempt are cancelled; the new ones are not deployed yet.
        JobStatus.Canceled or JobStatus.Restarting or JobStatus.Suspended => "CANCELED",
        _ => "CREATED",
    };
}
