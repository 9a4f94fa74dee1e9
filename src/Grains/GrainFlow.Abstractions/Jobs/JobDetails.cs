namespace GrainFlow.Jobs;

/// <summary>Everything a status query shows about one job.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.JobDetails")]
public sealed record JobDetails(
    [property: Id(0)] JobId JobId,
    [property: Id(1)] string Name,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] DateTimeOffset StartTime,
    [property: Id(4)] DateTimeOffset? EndTime,
    [property: Id(5)] int MaxParallelism,
    [property: Id(6)] IReadOnlyList<VertexDetails> Vertices,
    [property: Id(7)] FailureCause? Failure,
    [property: Id(8)] IReadOnlyDictionary<JobStatus, DateTimeOffset> Timestamps,
    [property: Id(9)] long Attempt,
    [property: Id(10)] string StateOrigin = "",
    [property: Id(11)] IReadOnlyList<string>? Warnings = null);

/// <summary>One vertex (a chain of operators running as <see cref="Parallelism"/> subtask grains).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.VertexDetails")]
public sealed record VertexDetails(
    [property: Id(0)] string Uid,
    [property: Id(1)] string Name,
    [property: Id(2)] int Parallelism,
    [property: Id(3)] IReadOnlyList<string> OperatorUids,
    [property: Id(4)] int FinishedSubtasks,
    [property: Id(5)] IReadOnlyList<VertexInput>? Inputs = null);

/// <summary>An edge into a vertex: the upstream vertex and how records are shipped on it (Flink's plan <c>inputs</c>).</summary>
[GenerateSerializer, Immutable, Alias("grainflow.VertexInput")]
public sealed record VertexInput(
    [property: Id(0)] string SourceUid,
    [property: Id(1)] string ShipStrategy);

/// <summary>
/// Why a job failed: the user function's exception, kept as text so any client can show it.
/// <see cref="NonRecoverable"/>: no restart can fix it, so the job fails without consulting the restart strategy.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.FailureCause")]
public sealed record FailureCause(
    [property: Id(0)] string ExceptionType,
    [property: Id(1)] string Message,
    [property: Id(2)] string StackTrace,
    [property: Id(3)] string Origin,
    [property: Id(4)] DateTimeOffset Timestamp,
    [property: Id(5)] bool NonRecoverable = false)
{
    public static FailureCause From(Exception exception, string origin) => new(
        exception.GetType().FullName ?? exception.GetType().Name,
        exception.Message,
        exception.ToString(),
        origin,
        DateTimeOffset.UtcNow,
        IsNonRecoverable(exception));

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is a <see cref="Errors.NonRecoverableJobException"/>.</summary>
    public static bool IsNonRecoverable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Errors.NonRecoverableJobException) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsNonRecoverable)) return true;
        }
        return false;
    }
}
