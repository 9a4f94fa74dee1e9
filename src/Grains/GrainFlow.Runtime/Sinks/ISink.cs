using GrainFlow.Runtime.Api;

namespace GrainFlow.Runtime.Sinks;

/// <summary>Where a job's results go: one writer per sink subtask.</summary>
public interface ISink<T>
{
    ISinkWriter<T> CreateWriter(SubtaskInfo subtask);
}

public interface ISinkWriter<in T> : IAsyncDisposable
{
    /// <summary>Buffers one record (synchronous: called in the middle of a batch).</summary>
    void Write(T record);

    /// <summary>
    /// Called after every batch, on every buffer timeout and at the end of input. A writer may keep
    /// small amounts buffered after a batch, but must make everything written durable or visible on
    /// the other two.
    /// </summary>
    ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken);
}

public enum FlushReason
{
    BatchEnd,
    BufferTimeout,
    EndOfInput,
}
