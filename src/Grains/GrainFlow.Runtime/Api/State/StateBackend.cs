using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Api.State;

/// <summary>
/// What holds a job's keyed state (Flink's StateBackend): <see cref="HashMapStateBackend"/> or
/// <see cref="EmbeddedRocksDBStateBackend"/>. A job chooses one in code with
/// <see cref="StreamExecutionEnvironment.SetStateBackend"/>, which wins over <c>state.backend.type</c>
/// from <c>-D</c> or the silo's configuration, as in Flink.
/// </summary>
public abstract class StateBackend
{
    private protected StateBackend(StateBackendType type) => Type = type;

    /// <summary>The <c>state.backend.type</c> this backend stands for.</summary>
    public StateBackendType Type { get; }

    /// <summary>Flink's class name of the backend, as REST <c>/jobs/:jobid/checkpoints/config</c> reports it in <c>state_backend</c>.</summary>
    public string Name => GetType().Name;

    /// <summary>The <c>state.backend.type</c> value, as Flink spells it (<c>hashmap</c>, <c>rocksdb</c>).</summary>
    public string ConfigName => EnumNames.ToConfigName(Type).ToLowerInvariant();

    /// <summary>The backend a <c>state.backend.type</c> value names.</summary>
    public static StateBackend For(StateBackendType type) => type switch
    {
        StateBackendType.Hashmap => new HashMapStateBackend(),
        StateBackendType.Rocksdb => new EmbeddedRocksDBStateBackend(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a state backend GrainFlow knows"),
    };
}
