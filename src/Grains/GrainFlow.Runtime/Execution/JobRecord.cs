using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>What the job manager persists about its job, so that a reactivation on another silo finds it.</summary>
[GenerateSerializer, Alias("grainflow.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public JobId? JobId { get; set; }

    [Id(1)] public string Name { get; set; } = "";

    [Id(2)] public JobSubmission? Submission { get; set; }

    [Id(3)] public JobStatus Status { get; set; }

    [Id(4)] public DateTimeOffset StartTime { get; set; }

    [Id(5)] public DateTimeOffset? EndTime { get; set; }

    [Id(6)] public Dictionary<JobStatus, DateTimeOffset> Timestamps { get; set; } = new();

    [Id(7)] public long Attempt { get; set; }

    [Id(8)] public FailureCause? Failure { get; set; }

    [Id(9)] public int MaxParallelism { get; set; }

    [Id(10)] public List<VertexDetails> Vertices { get; set; } = new();

    [Id(11)] public HashSet<string> FinishedSubtasks { get; set; } = new();

    [Id(12)] public List<string> Warnings { get; set; } = new();

    [Id(13)] public bool CheckpointingEnabled { get; set; }

    /// <summary>"started without state", or where the current attempt's state came from.</summary>
    [Id(14)] public string StateOrigin { get; set; } = "";

    /// <summary>Savepoints triggered for this job, by trigger id (the most recent ones).</summary>
    [Id(15)] public Dictionary<string, SavepointOperationRecord> Savepoints { get; set; } = new();

    /// <summary>Set while a stop with drain waits for every subtask to finish before its final savepoint.</summary>
    [Id(16)] public Checkpointing.SavepointTrigger? PendingDrain { get; set; }

    /// <summary>
    /// When the failures the restart strategy counted happened (the newest <see cref="MaxRestartFailures"/>),
    /// so that a job manager reactivated on another silo counts on instead of starting over.
    /// </summary>
    [Id(17)] public List<DateTimeOffset> RestartFailures { get; set; } = new();

    /// <summary>While RESTARTING: when the next attempt is due, so a reactivated job manager keeps the strategy's delay.</summary>
    [Id(18)] public DateTimeOffset? RestartAt { get; set; }

    /// <summary>
    /// A subtask reported a failure that the job manager acknowledged but has not acted on yet (it
    /// fails over in a turn of its own); a reactivated job manager finishes the job.
    /// </summary>
    [Id(19)] public bool FailoverPending { get; set; }

    /// <summary>
    /// Each subtask's figures (key "&lt;vertex uid&gt;/&lt;index&gt;") as it finished, or as the job ended: an ended
    /// job shows them without waking its idle subtask grains, which Orleans collects. Cleared by a restart.
    /// </summary>
    [Id(20)] public Dictionary<string, SubtaskMetrics> FinalFigures { get; set; } = new();

    /// <summary>
    /// A restore found damaged state bytes that the check before it (presence and size) could not see: the next
    /// restart checks every byte of the retained checkpoints, so it passes the damaged one over. Cleared once restored.
    /// </summary>
    [Id(21)] public bool VerifyEveryRestoredByte { get; set; }

    /// <summary>Bounds the record of a job that restarts forever; a strategy that allows more attempts counts at most this many after a reactivation.</summary>
    public const int MaxRestartFailures = 1000;
}
