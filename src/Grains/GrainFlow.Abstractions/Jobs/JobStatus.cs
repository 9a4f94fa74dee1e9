namespace GrainFlow.Jobs;

/// <summary>A job's lifecycle state; the names and meanings are Flink's.</summary>
[GenerateSerializer, Alias("grainflow.JobStatus")]
public enum JobStatus
{
    Created,
    Running,
    Failing,
    Failed,
    Cancelling,
    Canceled,
    Finished,
    Restarting,
    Suspended,
}

public static class JobStatusExtensions
{
    /// <summary>The upper-case name Flink prints (RUNNING, CANCELED, ...).</summary>
    public static string ToFlinkName(this JobStatus status) => status.ToString().ToUpperInvariant();

    /// <summary>True once the job can no longer change state (Flink's "globally terminal" states plus SUSPENDED).</summary>
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Failed or JobStatus.Canceled or JobStatus.Finished or JobStatus.Suspended;
}
