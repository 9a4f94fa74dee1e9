using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>Backends of one operator at some parallelism, and what a checkpoint keeps of them (their tables' bytes per key group, as the snapshot writer stores them).</summary>
internal static class KeyedStateCheckpoints
{
    public const int MaxParallelism = 128;

    public static readonly StateCodecs Codecs = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    /// <summary>The backend of type <paramref name="type"/> (see <see cref="StateBackendsUnderTest"/>) of subtask <paramref name="subtask"/>, filled from <paramref name="restored"/>.</summary>
    public static IKeyedStateBackend<long> Backend(string type, int subtask, int parallelism, params RestoredKeyedState[] restored)
    {
        var backend = StateBackendsUnderTest.Create<long>(type, subtask, parallelism, MaxParallelism);
        foreach (var state in restored) backend.AddRestoredState(state);
        return backend;
    }

    public static RestoredKeyedState Checkpoint(IKeyedStateBackend<long> backend, SavepointFormatType format = SavepointFormatType.Native)
    {
        var (data, offsets) = KeyedStateFormat.Write(backend.CaptureSnapshot(), backend.KeyGroups, Codecs.In(format));
        return new RestoredKeyedState(data, offsets, Codecs);
    }

    /// <summary>The backend of the subtask of <paramref name="parallelism"/> that owns <paramref name="key"/>.</summary>
    public static T Owner<T>(IReadOnlyList<T> subtasks, long key) => subtasks[KeyGroupAssignment.SubtaskForKey(key, subtasks.Count, MaxParallelism)];
}
