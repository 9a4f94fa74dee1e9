using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>An operator that holds keyed state; state queries (<c>GetKeyedStateAsync</c>) read its tables.</summary>
internal interface IKeyedOperator
{
    IReadOnlyCollection<IStateTable> StateTables { get; }
}
