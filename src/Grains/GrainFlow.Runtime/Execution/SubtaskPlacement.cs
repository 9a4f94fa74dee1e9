using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Places the subtasks of one vertex round robin over the silos: subtask i goes to silo
/// (hash(job, vertex) + i) mod n of the silos sorted by address, so the parallel instances of an
/// operator spread evenly instead of piling onto the least loaded silo at activation time.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.SubtaskPlacementStrategy")]
public sealed class SubtaskPlacementStrategy : PlacementStrategy
{
    public static readonly SubtaskPlacementStrategy Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SubtaskPlacementAttribute() : PlacementAttribute(SubtaskPlacementStrategy.Instance);

internal sealed class SubtaskPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var key = target.GrainIdentity.Key.ToString() ?? "";
        if (silos.Length == 0) throw new OrleansException($"No silo can host subtask '{key}'.");
        SubtaskKey.TryParse(key, out var vertexPrefix, out var index);
        var vertexHash = KeyGroups.StableKeyHash.Of(vertexPrefix) & int.MaxValue;
        return Task.FromResult(silos[(int)((vertexHash + (long)index) % silos.Length)]);
    }
}
