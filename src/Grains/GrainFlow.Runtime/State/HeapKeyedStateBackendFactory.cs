using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.State;

/// <summary>The heap backend (<c>state.backend.type: hashmap</c>): it needs nothing beyond the subtask's key groups.</summary>
internal sealed class HeapKeyedStateBackendFactory : IKeyedStateBackendFactory
{
    public IKeyedStateBackend<TKey> Create<TKey>(OperatorContext context) where TKey : notnull =>
        new HeapKeyedStateBackend<TKey>(context.KeyGroups, context.MaxParallelism);
}
