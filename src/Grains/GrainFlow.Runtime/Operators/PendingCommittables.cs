using System.Text.Json;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// The transactions a sink pre-committed and has not committed yet, by checkpoint id. It is the
/// sink's checkpointed state: a restore commits them all (their checkpoint completed), so a lost
/// notification never loses output. Serialized as versioned JSON (docs/CHECKPOINTS.md).
/// </summary>
internal sealed class PendingCommittables
{
    private const int Version = 1;
    private readonly SortedDictionary<long, List<string>> _byCheckpoint = new();

    public int Count => _byCheckpoint.Values.Sum(l => l.Count);

    public void Add(long checkpointId, string committable)
    {
        if (!_byCheckpoint.TryGetValue(checkpointId, out var list)) _byCheckpoint[checkpointId] = list = new List<string>();
        list.Add(committable);
    }

    /// <summary>Everything pre-committed at or before <paramref name="checkpointId"/>, oldest first.</summary>
    public IReadOnlyList<(long CheckpointId, string Committable)> UpTo(long checkpointId) =>
        _byCheckpoint.Where(e => e.Key <= checkpointId).SelectMany(e => e.Value.Select(c => (e.Key, c))).ToList();

    public void Remove(long checkpointId, string committable)
    {
        if (!_byCheckpoint.TryGetValue(checkpointId, out var list)) return;
        list.Remove(committable);
        if (list.Count == 0) _byCheckpoint.Remove(checkpointId);
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(new Stored(Version,
        _byCheckpoint.SelectMany(e => e.Value.Select(c => new StoredCommittable(e.Key, c))).ToList()));

    /// <exception cref="InvalidDataException">Not a sink state this version of GrainFlow can read.</exception>
    public static PendingCommittables FromBytes(byte[] data)
    {
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(data);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The sink state in the snapshot is damaged: {e.Message}", e);
        }
        if (stored is null || stored.Version is < 1 or > Version)
        {
            throw new InvalidDataException($"The sink state in the snapshot has version {stored?.Version}; this GrainFlow reads version {Version}.");
        }
        var result = new PendingCommittables();
        foreach (var c in stored.Pending) result.Add(c.CheckpointId, c.Committable);
        return result;
    }

    private sealed record Stored(int Version, List<StoredCommittable> Pending);

    private sealed record StoredCommittable(long CheckpointId, string Committable);
}
