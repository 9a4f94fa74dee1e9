using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The RocksDB instance of one old subtask, as an incremental checkpoint or native savepoint holds it, downloaded and
/// checked into an instance directory of its own (<see cref="RocksDbStateDownloader"/>): what
/// <see cref="RocksDbIncrementalRestoreOperation"/> opens or copies key groups from when the operator opens its backend.
/// The directory belongs to the source until the restore takes it; disposing a source not taken deletes it.
/// </summary>
internal sealed class RocksDbRestoreSource : IDisposable
{
    private RocksDbWorkingDirectory? _directory;

    public RocksDbRestoreSource(IncrementalKeyedStateHandle handle, KeyGroupRange keyGroups, string snapshot, RocksDbWorkingDirectory directory)
    {
        Handle = handle;
        KeyGroups = keyGroups;
        Snapshot = snapshot;
        _directory = directory;
    }

    public IncrementalKeyedStateHandle Handle { get; }

    /// <summary>The key groups of the old subtask (what its instance holds).</summary>
    public KeyGroupRange KeyGroups { get; }

    /// <summary>The snapshot's external path, for errors.</summary>
    public string Snapshot { get; }

    /// <summary>Where the database's files are.</summary>
    public string DatabasePath => (_directory ?? throw Taken()).DatabasePath;

    /// <summary>Hands the directory over (to the instance that opens it as its own).</summary>
    public RocksDbWorkingDirectory Take()
    {
        var directory = _directory ?? throw Taken();
        _directory = null;
        return directory;
    }

    public void Dispose()
    {
        _directory?.Dispose();
        _directory = null;
    }

    private InvalidOperationException Taken() =>
        new($"The downloaded RocksDB state of key groups {KeyGroups.StartKeyGroup}-{KeyGroups.EndKeyGroup} of '{Snapshot}' was already restored or released; load the snapshot again.");
}
