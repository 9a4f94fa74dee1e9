namespace GrainFlow.Runtime.State;

/// <summary>
/// The namespace of keyed state that has none (Flink's <c>VoidNamespace</c>): the state a user
/// function declares, the accumulators of rolling aggregates. State in this namespace is stored
/// per key alone, in the layout snapshots had before namespaces existed.
/// </summary>
internal readonly record struct VoidNamespace
{
    public static readonly VoidNamespace Instance;

    internal static bool Is<TNamespace>() => typeof(TNamespace) == typeof(VoidNamespace);
}
