namespace GrainFlow.Runtime.State;

/// <summary>The keyed-state bytes of one operator of one old subtask, waiting to be read into the tables.</summary>
internal sealed record RestoredKeyedState(byte[] Data, IReadOnlyDictionary<int, long> KeyGroupOffsets, Checkpointing.StateCodecs Codecs);
