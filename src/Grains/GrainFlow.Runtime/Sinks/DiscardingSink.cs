using GrainFlow.Runtime.Api;

namespace GrainFlow.Runtime.Sinks;

/// <summary>Drops every record (benchmarks, and jobs whose effect is their state).</summary>
public sealed class DiscardingSink<T> : ISink<T>
{
    public ISinkWriter<T> CreateWriter(SubtaskInfo subtask) => new Writer();

    private sealed class Writer : ISinkWriter<T>
    {
        public void Write(T record) { }

        public ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
