namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>A value per key and namespace that every added value is reduced into (read, reduce, write); namespaces merge by reducing their values.</summary>
internal sealed class RocksDbReducingState<TKey, TNamespace, TValue>(
    RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table, Func<TValue, TValue, TValue> reduce)
    : RocksDbKvState<TKey, TNamespace>(backend, table), IInternalReducingState<TNamespace, TValue>
    where TKey : notnull
    where TNamespace : notnull
{
    private readonly RocksDbValueCodec<TValue> _values = new(backend.Codecs.For<TValue>());

    public TValue? Get() => GetBytes(Namespace) is { } bytes ? _values.Read(bytes) : default;

    public void Add(TValue value) => PutBytes(Namespace, _values.Write(GetBytes(Namespace) is { } bytes ? reduce(_values.Read(bytes), value) : value));

    public void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources) => MergeNamespaces(target, sources, _values.Merging(reduce));
}
