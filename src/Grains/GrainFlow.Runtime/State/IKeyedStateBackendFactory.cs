using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.State;

/// <summary>
/// Creates the keyed state backend of one keyed operator subtask (the factory side of Flink's
/// StateBackend.createKeyedStateBackend). One implementation per <c>state.backend.type</c>, listed in
/// <see cref="KeyedStateBackendFactories"/>.
/// </summary>
internal interface IKeyedStateBackendFactory
{
    /// <summary>
    /// The backend for the subtask and key groups of <paramref name="context"/>, configured from its job
    /// configuration: empty, or opened on the state of its own format in <see cref="OperatorContext.Restore"/>
    /// (RocksDB: <see cref="OperatorRestore.RocksDbState"/>); the operator then adds its restored state in the
    /// canonical format and registers its states.
    /// </summary>
    IKeyedStateBackend<TKey> Create<TKey>(OperatorContext context) where TKey : notnull;
}
