namespace GrainFlow.Runtime.Checkpointing;

/// <summary>How much of a snapshot <see cref="SnapshotVerifier"/> reads.</summary>
public enum SnapshotVerification
{
    /// <summary><c>_metadata</c>, every file's presence and size, and every byte against its checksum: one read of the whole state.</summary>
    EveryByte,

    /// <summary>
    /// <c>_metadata</c> and every file's presence and size, no state byte: for an automatic restart, whose subtasks check
    /// every byte they restore against its checksum anyway (a damaged byte they find makes the next restart check every byte).
    /// </summary>
    PresenceAndSize,
}
