using System.Diagnostics;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// The traces of checkpoints and restores on the <see cref="GrainFlowInstruments.ActivitySource"/>:
/// one activity per checkpoint from its trigger to its completion or failure, with an event per
/// acknowledging subtask, and one per restore. Activities start detached from the caller's
/// <see cref="Activity.Current"/>: a checkpoint outlives the grain call that triggered it.
/// </summary>
public static class CheckpointTracing
{
    public const string CheckpointActivity = "checkpoint";
    public const string RestoreActivity = "restore";

    /// <summary>Starts a checkpoint's activity (null when no listener samples it).</summary>
    public static Activity? StartCheckpoint(long checkpointId, long attempt, DateTimeOffset triggerTime, bool isSavepoint)
    {
        var activity = StartDetached(isSavepoint ? "savepoint" : CheckpointActivity, triggerTime);
        activity?.SetTag("checkpoint_id", checkpointId).SetTag("attempt", attempt).SetTag("savepoint", isSavepoint);
        return activity;
    }

    public static void Acknowledged(Activity? checkpoint, SubtaskSnapshot snapshot, DateTimeOffset at) => checkpoint?.AddEvent(new ActivityEvent("acknowledged", at,
        new ActivityTagsCollection
        {
            ["task_id"] = snapshot.VertexUid,
            ["subtask_index"] = snapshot.SubtaskIndex,
            ["state_size"] = snapshot.StateSize,
            ["sync_duration_ms"] = (long)snapshot.SyncDuration.TotalMilliseconds,
            ["async_duration_ms"] = (long)snapshot.AsyncDuration.TotalMilliseconds,
            ["alignment_duration_ms"] = (long)snapshot.AlignmentDuration.TotalMilliseconds,
        }));

    public static void Completed(Activity? checkpoint, long stateSize, string? path, DateTimeOffset at)
    {
        if (checkpoint is null) return;
        checkpoint.SetTag("state_size", stateSize).SetTag("path", path).SetStatus(ActivityStatusCode.Ok);
        checkpoint.SetEndTime(at.UtcDateTime);
        StopDetached(checkpoint);
    }

    public static void Failed(Activity? checkpoint, string reason, DateTimeOffset at)
    {
        if (checkpoint is null) return;
        checkpoint.SetStatus(ActivityStatusCode.Error, reason);
        checkpoint.SetEndTime(at.UtcDateTime);
        StopDetached(checkpoint);
    }

    /// <summary>Starts a restore's activity; the caller ends it with <see cref="End"/> once the restored attempt is deployed.</summary>
    public static Activity? StartRestore(string jobId, long attempt, long checkpointId, string path)
    {
        var activity = StartDetached(RestoreActivity, DateTimeOffset.UtcNow);
        activity?.SetTag("job_id", jobId).SetTag("attempt", attempt).SetTag("checkpoint_id", checkpointId).SetTag("path", path);
        return activity;
    }

    /// <summary>Ends a restore's activity: Ok, or Error with <paramref name="failure"/>.</summary>
    public static void End(Activity? restore, string? failure)
    {
        if (restore is null) return;
        if (failure is null) restore.SetStatus(ActivityStatusCode.Ok);
        else restore.SetStatus(ActivityStatusCode.Error, failure);
        StopDetached(restore);
    }

    // Stopping makes the activity's parent (none) current: the caller's own activity is put back.
    private static void StopDetached(Activity activity)
    {
        var caller = Activity.Current;
        activity.Stop();
        Activity.Current = caller;
    }

    private static Activity? StartDetached(string name, DateTimeOffset start)
    {
        if (!GrainFlowInstruments.ActivitySource.HasListeners()) return null;
        var caller = Activity.Current;
        // A root activity (no Current while it starts), and Current restored so the grain call's own trace goes on unchanged.
        Activity.Current = null;
        var activity = GrainFlowInstruments.ActivitySource.StartActivity(name, ActivityKind.Internal, parentContext: default, startTime: start);
        Activity.Current = caller;
        return activity;
    }
}
