using GrainFlow.Runtime.Api;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// A replayable source: it is split into named splits, each with an offset; every subtask reads its
/// share of the splits and can report and resume from the offsets it reached (what checkpoints record).
/// </summary>
public interface ISource<T>
{
    ISourceReader<T> CreateReader(SubtaskInfo subtask);
}

public enum SourcePollStatus
{
    /// <summary>Records were emitted and more may be ready at once.</summary>
    MoreAvailable,

    /// <summary>Nothing is ready now; poll again later.</summary>
    NothingAvailable,

    /// <summary>This reader's splits are exhausted (a bounded source).</summary>
    EndOfInput,
}

public interface ISourceReader<T> : IAsyncDisposable
{
    /// <summary>
    /// Emits up to <paramref name="maxRecords"/> records in order. Every poll gets the same output, so a
    /// reader may keep the split outputs it created.
    /// </summary>
    ValueTask<SourcePollStatus> PollAsync(IReaderOutput<T> output, int maxRecords, CancellationToken cancellationToken);

    /// <summary>Split id → offset of the next record to read (what a restore seeks to).</summary>
    IReadOnlyDictionary<string, long> CurrentOffsets { get; }

    /// <summary>Resumes each split at the offset given (splits not named start from the beginning).</summary>
    void SeekTo(IReadOnlyDictionary<string, long> offsets);
}
