namespace GrainFlow.Runtime.State;

/// <summary>
/// The key of a state table entry that lives in a namespace (a window): the record key and the
/// namespace. It belongs to the key group of <see cref="Key"/>, so the namespaces of a key move with
/// it when parallelism changes.
/// </summary>
internal readonly record struct NamespacedKey<TKey, TNamespace>(TKey Key, TNamespace Namespace);
