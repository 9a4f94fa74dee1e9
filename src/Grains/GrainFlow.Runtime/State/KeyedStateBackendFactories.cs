using GrainFlow.Configuration;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.State;

/// <summary>
/// The state backends this build of GrainFlow has, by <c>state.backend.type</c>: the one place a job's
/// choice (<c>-D</c>, the silo's configuration or <see cref="Api.StreamExecutionEnvironment.SetStateBackend"/>)
/// becomes a backend. A backend is added with one entry here.
/// </summary>
internal static class KeyedStateBackendFactories
{
    private static readonly IReadOnlyDictionary<StateBackendType, IKeyedStateBackendFactory> Available = new Dictionary<StateBackendType, IKeyedStateBackendFactory>
    {
        [StateBackendType.Hashmap] = new HeapKeyedStateBackendFactory(),
        [StateBackendType.Rocksdb] = new RocksDb.RocksDbKeyedStateBackendFactory(),
    };

    /// <summary>Why a job with <paramref name="configuration"/> cannot get its state backend, or null when it can; checked before the job is created.</summary>
    public static string? Problem(GrainFlowConfiguration configuration)
    {
        var type = configuration.Get(CheckpointingOptions.StateBackend);
        if (Available.ContainsKey(type)) return null;
        var backend = StateBackend.For(type);
        return $"The state backend '{backend.ConfigName}' ({backend.Name}, chosen by {CheckpointingOptions.StateBackend.Key} or env.SetStateBackend) "
            + $"is not available in this build of GrainFlow; use one of: {string.Join(", ", Available.Keys.Select(t => StateBackend.For(t).ConfigName))}.";
    }

    /// <summary>The backend of the keyed operator subtask of <paramref name="context"/>, of the type its job's configuration names.</summary>
    /// <exception cref="InvalidOperationException">The backend is not available here (the submission check makes this a silo built without it).</exception>
    public static IKeyedStateBackend<TKey> Create<TKey>(OperatorContext context) where TKey : notnull =>
        Available.TryGetValue(context.Configuration.Get(CheckpointingOptions.StateBackend), out var factory)
            ? factory.Create<TKey>(context)
            : throw new InvalidOperationException(Problem(context.Configuration));
}
