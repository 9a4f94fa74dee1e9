using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.Sources;

/// <summary>A reader output that records each record with the split it came through (null: the reader-wide output) and its timestamp.</summary>
internal sealed class RecordingReaderOutput<T> : IReaderOutput<T>
{
    public List<(string? Split, T Record, long? Timestamp)> Emitted { get; } = new();

    public List<string> Created { get; } = new();

    public List<string> Released { get; } = new();

    public IEnumerable<T> Items => Emitted.Select(e => e.Record);

    public void Collect(T record) => Emitted.Add((null, record, null));

    public void Collect(T record, long timestampMs) => Emitted.Add((null, record, timestampMs));

    public ISourceOutput<T> CreateOutputForSplit(string splitId)
    {
        if (!Created.Contains(splitId) || Released.Remove(splitId)) Created.Add(splitId);
        return new Split(this, splitId);
    }

    public void ReleaseOutputForSplit(string splitId) => Released.Add(splitId);

    private sealed class Split(RecordingReaderOutput<T> owner, string id) : ISourceOutput<T>
    {
        public void Collect(T record) => owner.Emitted.Add((id, record, null));

        public void Collect(T record, long timestampMs) => owner.Emitted.Add((id, record, timestampMs));
    }
}
