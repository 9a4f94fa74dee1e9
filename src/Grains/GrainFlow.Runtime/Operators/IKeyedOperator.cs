using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Operators;

/// <summary>An operator that holds keyed state; snapshots and state queries go through this.</summary>
internal interface IKeyedOperator
{
    IReadOnlyCollection<IStateTable> StateTables { get; }

    GrainFlow.KeyGroups.KeyGroupRange KeyGroups { get; }

    /// <summary>Freezes every state table in O(buckets) (the synchronous part of a snapshot).</summary>
    IReadOnlyList<IStateTableSnapshot> CaptureState();
}
