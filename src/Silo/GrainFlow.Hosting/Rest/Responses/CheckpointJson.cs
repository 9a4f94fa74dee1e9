using System.Text.Json.Nodes;
using GrainFlow.Checkpoints;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Silo.Rest.Http;

namespace GrainFlow.Silo.Rest.Responses;

/// <summary>
/// Checkpoint statistics and configuration in Flink's shapes (<c>CheckpointingStatistics</c>,
/// <c>CheckpointStatistics</c> with its <c>className</c> discriminator, <c>CheckpointConfigInfo</c>).
/// Sizes are bytes, durations and timestamps milliseconds.
/// </summary>
public static class CheckpointJson
{
    /// <summary><c>GET /jobs/:jobid/checkpoints</c>.</summary>
    public static JsonObject Statistics(CheckpointStatsSnapshot stats)
    {
        // The summary covers the completed checkpoints the history still holds (the last few), not every one since the start.
        var completed = stats.History.Where(c => c.Status == CheckpointStatus.Completed).ToList();
        var sizes = completed.Select(c => c.StateSize).ToList();
        var zeros = completed.Select(_ => 0L).ToList();
        var latestSavepoint = stats.History.Where(c => c.IsSavepoint && c.Status == CheckpointStatus.Completed).MaxBy(c => c.Id)
            ?? (stats.LatestCompleted is { IsSavepoint: true } latest ? latest : null);
        return new JsonObject
        {
            ["counts"] = new JsonObject
            {
                ["restored"] = stats.Restored,
                ["total"] = stats.Total,
                ["in_progress"] = stats.InProgress,
                ["completed"] = stats.Completed,
                ["failed"] = stats.Failed,
            },
            ["summary"] = new JsonObject
            {
                // What each checkpoint wrote, and the whole state it holds (more, for incremental checkpoints).
                ["checkpointed_size"] = Summary(sizes),
                ["state_size"] = Summary(completed.Select(c => c.FullSize).ToList()),
                ["end_to_end_duration"] = Summary(completed.Select(c => FlinkJson.Millis(c.EndToEndDuration)).ToList()),
                // Aligned checkpoints buffer and persist no in-flight data.
                ["alignment_buffered"] = Summary(zeros),
                ["processed_data"] = Summary(zeros),
                ["persisted_data"] = Summary(zeros),
            },
            ["latest"] = new JsonObject
            {
                ["completed"] = stats.LatestCompleted is { } c ? Checkpoint(c) : null,
                ["savepoint"] = latestSavepoint is { } s ? Checkpoint(s) : null,
                ["failed"] = stats.LatestFailed is { } f ? Checkpoint(f) : null,
                ["restored"] = stats.LatestRestore is { } r ? Restored(r) : null,
            },
            ["history"] = new JsonArray(stats.History.OrderByDescending(h => h.Id).Select(h => (JsonNode)Checkpoint(h)).ToArray()),
        };
    }

    /// <summary>One checkpoint (<c>GET /jobs/:jobid/checkpoints/details/:checkpointid</c> and the entries above).</summary>
    /// <param name="withTasks">Fill <c>tasks</c> (Flink's TaskCheckpointStatistics per vertex id), as the details endpoint does; summaries leave it empty, as Flink's.</param>
    public static JsonObject Checkpoint(CheckpointStatistics checkpoint, bool withTasks = false)
    {
        var json = new JsonObject
        {
            ["className"] = checkpoint.Status switch
            {
                CheckpointStatus.Completed => "completed",
                CheckpointStatus.Failed => "failed",
                _ => "in_progress",
            },
            ["id"] = checkpoint.Id,
            ["status"] = checkpoint.Status switch
            {
                CheckpointStatus.Completed => "COMPLETED",
                CheckpointStatus.Failed => "FAILED",
                _ => "IN_PROGRESS",
            },
            ["is_savepoint"] = checkpoint.IsSavepoint,
            ["savepointFormat"] = null,
            ["trigger_timestamp"] = FlinkJson.Millis(checkpoint.TriggerTime),
            ["latest_ack_timestamp"] = FlinkJson.Millis(checkpoint.LatestAcknowledgement),
            ["checkpointed_size"] = checkpoint.StateSize,
            ["state_size"] = checkpoint.FullSize,
            ["end_to_end_duration"] = FlinkJson.Millis(checkpoint.EndToEndDuration),
            ["alignment_buffered"] = 0,
            ["processed_data"] = 0,
            ["persisted_data"] = 0,
            ["num_subtasks"] = checkpoint.ExpectedSubtasks,
            ["num_acknowledged_subtasks"] = checkpoint.AcknowledgedSubtasks,
            ["checkpoint_type"] = checkpoint.IsSavepoint ? "SAVEPOINT" : "CHECKPOINT",
            ["tasks"] = withTasks ? Tasks(checkpoint) : new JsonObject(),
        };
        if (checkpoint.Status == CheckpointStatus.Completed) json["external_path"] = checkpoint.ExternalPath;
        if (checkpoint.Status == CheckpointStatus.Failed)
        {
            json["failure_timestamp"] = checkpoint.EndToEndDuration is { } took ? FlinkJson.Millis(checkpoint.TriggerTime + took) : FlinkJson.Millis(checkpoint.TriggerTime);
            json["failure_message"] = checkpoint.FailureMessage;
        }
        return json;
    }

    private static JsonObject Tasks(CheckpointStatistics checkpoint)
    {
        var tasks = new JsonObject();
        foreach (var task in checkpoint.Tasks ?? []) tasks[task.VertexId] = Task(checkpoint, task);
        return tasks;
    }

    /// <summary>One vertex's part of <paramref name="checkpoint"/> (Flink's TaskCheckpointStatistics).</summary>
    private static JsonObject Task(CheckpointStatistics checkpoint, TaskCheckpointStatistics task) => new()
    {
        ["id"] = checkpoint.Id,
        ["status"] = checkpoint.Status switch
        {
            CheckpointStatus.Completed => "COMPLETED",
            CheckpointStatus.Failed => "FAILED",
            _ => "IN_PROGRESS",
        },
        ["latest_ack_timestamp"] = FlinkJson.Millis(task.LatestAcknowledgement),
        ["checkpointed_size"] = task.StateSize,
        ["state_size"] = task.SubtaskDetails?.Sum(s => s.FullStateSize) ?? task.StateSize,
        ["end_to_end_duration"] = task.LatestAcknowledgement is { } ack ? FlinkJson.Millis(ack - checkpoint.TriggerTime) : -1,
        ["alignment_buffered"] = 0,
        ["processed_data"] = 0,
        ["persisted_data"] = 0,
        ["num_subtasks"] = task.Subtasks,
        ["num_acknowledged_subtasks"] = task.AcknowledgedSubtasks,
    };

    /// <summary>
    /// <c>GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid</c>: Flink's
    /// TaskCheckpointStatisticsWithSubtaskDetails — the vertex's figures, a summary over its acknowledged subtasks, and each
    /// subtask (<c>completed</c>, or <c>pending_or_failed</c> with its index only, as Flink writes them).
    /// </summary>
    public static JsonObject SubtaskDetails(CheckpointStatistics checkpoint, TaskCheckpointStatistics task)
    {
        var json = Task(checkpoint, task);
        var acknowledged = (task.SubtaskDetails ?? []).Where(s => s.Acknowledged is not null).ToList();
        long EndToEnd(SubtaskCheckpointStatistics s) => FlinkJson.Millis(s.Acknowledged!.Value - checkpoint.TriggerTime);
        json["summary"] = new JsonObject
        {
            ["checkpointed_size"] = MinMaxAvg(acknowledged.Select(s => s.StateSize)),
            ["state_size"] = MinMaxAvg(acknowledged.Select(s => s.FullStateSize)),
            ["end_to_end_duration"] = MinMaxAvg(acknowledged.Select(EndToEnd)),
            ["checkpoint_duration"] = new JsonObject
            {
                ["sync"] = MinMaxAvg(acknowledged.Select(s => FlinkJson.Millis(s.SyncDuration))),
                ["async"] = MinMaxAvg(acknowledged.Select(s => FlinkJson.Millis(s.AsyncDuration))),
            },
            ["alignment"] = new JsonObject
            {
                ["buffered"] = MinMaxAvg(acknowledged.Select(_ => 0L)),
                ["processed"] = MinMaxAvg(acknowledged.Select(_ => 0L)),
                ["persisted"] = MinMaxAvg(acknowledged.Select(_ => 0L)),
                ["duration"] = MinMaxAvg(acknowledged.Select(s => FlinkJson.Millis(s.AlignmentDuration))),
            },
            ["start_delay"] = MinMaxAvg(acknowledged.Select(_ => 0L)),
        };
        json["subtasks"] = new JsonArray((task.SubtaskDetails ?? []).Select(s => (JsonNode)(s.Acknowledged is null
            ? new JsonObject { ["index"] = s.Index, ["status"] = "pending_or_failed" }
            : new JsonObject
            {
                ["index"] = s.Index,
                ["status"] = "completed",
                ["ack_timestamp"] = FlinkJson.Millis(s.Acknowledged),
                ["end_to_end_duration"] = EndToEnd(s),
                ["checkpointed_size"] = s.StateSize,
                ["state_size"] = s.FullStateSize,
                ["checkpoint"] = new JsonObject { ["sync"] = FlinkJson.Millis(s.SyncDuration), ["async"] = FlinkJson.Millis(s.AsyncDuration) },
                ["alignment"] = new JsonObject { ["buffered"] = 0, ["processed"] = 0, ["persisted"] = 0, ["duration"] = FlinkJson.Millis(s.AlignmentDuration) },
                ["start_delay"] = 0,
                ["unaligned_checkpoint"] = false,
                ["aborted"] = false,
            })).ToArray());
        return json;
    }

    private static JsonObject MinMaxAvg(IEnumerable<long> values)
    {
        var list = values.ToList();
        return list.Count == 0
            ? new JsonObject { ["min"] = 0, ["max"] = 0, ["avg"] = 0 }
            : new JsonObject { ["min"] = list.Min(), ["max"] = list.Max(), ["avg"] = (long)list.Average() };
    }

    /// <summary>The checkpoint with <paramref name="id"/> among those the statistics still hold, or null.</summary>
    public static CheckpointStatistics? Find(CheckpointStatsSnapshot stats, long id) =>
        stats.History.FirstOrDefault(h => h.Id == id)
        ?? new[] { stats.LatestCompleted, stats.LatestFailed }.FirstOrDefault(c => c?.Id == id);

    /// <summary><c>GET /jobs/:jobid/checkpoints/config</c>, from the job's effective configuration.</summary>
    public static JsonObject Config(GrainFlowConfiguration configuration)
    {
        var retention = configuration.Get(CheckpointingOptions.Retention);
        return new JsonObject
        {
            ["mode"] = configuration.Get(CheckpointingOptions.Mode) == CheckpointingMode.ExactlyOnce ? "exactly_once" : "at_least_once",
            ["interval"] = FlinkJson.Millis(configuration.GetOptional(CheckpointingOptions.Interval)),
            ["timeout"] = FlinkJson.Millis(configuration.Get(CheckpointingOptions.Timeout)),
            ["min_pause"] = FlinkJson.Millis(configuration.Get(CheckpointingOptions.MinPause)),
            ["max_concurrent"] = configuration.Get(CheckpointingOptions.MaxConcurrent),
            ["externalization"] = new JsonObject
            {
                ["enabled"] = retention != ExternalizedCheckpointRetention.NoExternalizedCheckpoints,
                ["delete_on_cancellation"] = retention != ExternalizedCheckpointRetention.RetainOnCancellation,
            },
            ["state_backend"] = StateBackend.For(configuration.Get(CheckpointingOptions.StateBackend)).Name,
            // Every checkpoint goes to the job's checkpoint directory (a file system or blob store), never to the job manager's memory.
            ["checkpoint_storage"] = "FileSystemCheckpointStorage",
            ["unaligned_checkpoints"] = false,
            ["tolerable_failed_checkpoints"] = configuration.Get(CheckpointingOptions.TolerableFailures),
            ["aligned_checkpoint_timeout"] = 0,
            // A final checkpoint is taken after every task finished (so sinks commit their last output).
            ["checkpoints_after_tasks_finish"] = true,
            ["state_changelog_enabled"] = false,
        };
    }

    private static JsonObject Restored(RestoreInfo restore) => new()
    {
        ["id"] = restore.CheckpointId,
        ["restore_timestamp"] = FlinkJson.Millis(restore.RestoreTime),
        ["is_savepoint"] = restore.IsSavepoint,
        ["external_path"] = restore.ExternalPath,
        // GrainFlow's addition: the newer snapshots this restore passed over as damaged, and why.
        ["skipped"] = new JsonArray((restore.Skipped ?? []).Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.CheckpointId,
            ["external_path"] = s.ExternalPath,
            ["reason"] = s.Reason,
        }).ToArray()),
    };

    /// <summary>Flink's StatsSummaryDto: min, max, avg and nearest-rank percentiles; all 0 without data.</summary>
    private static JsonObject Summary(IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return new JsonObject { ["min"] = 0, ["max"] = 0, ["avg"] = 0, ["p50"] = 0.0, ["p90"] = 0.0, ["p95"] = 0.0, ["p99"] = 0.0, ["p999"] = 0.0 };
        }
        var sorted = values.Order().ToList();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        return new JsonObject
        {
            ["min"] = sorted[0],
            ["max"] = sorted[^1],
            ["avg"] = (long)sorted.Average(),
            ["p50"] = Percentile(0.50),
            ["p90"] = Percentile(0.90),
            ["p95"] = Percentile(0.95),
            ["p99"] = Percentile(0.99),
            ["p999"] = Percentile(0.999),
        };
    }
}
