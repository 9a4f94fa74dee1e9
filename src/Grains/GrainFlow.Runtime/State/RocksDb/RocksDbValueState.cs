using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>A value per key and namespace, by its codec.</summary>
internal sealed class RocksDbValueState<TKey, TNamespace, TValue>(RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table)
    : RocksDbKvState<TKey, TNamespace>(backend, table), IInternalValueState<TNamespace, TValue>
    where TKey : notnull
    where TNamespace : notnull
{
    private readonly RocksDbValueCodec<TValue> _values = new(backend.Codecs.For<TValue>());

    public TValue? Value => GetBytes(Namespace) is { } bytes ? _values.Read(bytes) : default;

    public void Update(TValue value) => PutBytes(Namespace, _values.Write(value));
}
