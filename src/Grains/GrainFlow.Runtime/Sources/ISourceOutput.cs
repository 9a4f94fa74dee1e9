using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Sources;

/// <summary>Where a source reader emits the records of one split (Flink's <c>SourceOutput</c>).</summary>
public interface ISourceOutput<in T> : ICollector<T>
{
    /// <summary>
    /// Emits a record with the timestamp the source knows for it (epoch milliseconds, e.g. a topic
    /// record's publish time); the job's timestamp assigner may replace it.
    /// </summary>
    void Collect(T record, long timestampMs);
}
