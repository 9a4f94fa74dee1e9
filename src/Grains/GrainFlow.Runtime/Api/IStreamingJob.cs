namespace GrainFlow.Runtime.Api;

/// <summary>
/// A job type: registered in every silo under a name, and built into a dataflow when submitted.
/// <see cref="Build"/> must be deterministic for a given configuration, because every subtask grain
/// builds the same graph locally to instantiate its own operators (as Flink ships the same jar to
/// every task manager).
/// </summary>
public interface IStreamingJob
{
    void Build(StreamExecutionEnvironment env);
}
