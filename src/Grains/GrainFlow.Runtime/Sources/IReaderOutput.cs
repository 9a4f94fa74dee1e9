namespace GrainFlow.Runtime.Sources;

/// <summary>
/// What a source reader emits into (Flink's <c>ReaderOutput</c>). Records collected here directly
/// belong to the reader as a whole; a reader of several splits (topic partitions) should emit each
/// split's records through <see cref="CreateOutputForSplit"/>, so that each split gets its own watermark
/// and the source's watermark is their minimum (an idle split left out).
/// </summary>
public interface IReaderOutput<in T> : ISourceOutput<T>
{
    /// <summary>
    /// The output of split <paramref name="splitId"/>; the same one for the same id until it is
    /// released. Create it when the split is assigned, before its first record: an output without
    /// records holds the watermark back until it goes idle.
    /// </summary>
    ISourceOutput<T> CreateOutputForSplit(string splitId);

    /// <summary>The split is finished: its watermark no longer holds the source's back.</summary>
    void ReleaseOutputForSplit(string splitId);
}
