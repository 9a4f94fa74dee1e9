using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// A list per key and namespace, stored as its elements' bytes one after the other. Adding is a
/// read-modify-write of those bytes (no element is decoded; RocksDbSharp's merge operators call back into
/// .NET from RocksDB's threads, which costs more than the read on this path); merging namespaces
/// concatenates their bytes.
/// </summary>
internal sealed class RocksDbListState<TKey, TNamespace, TValue>(RocksDbKeyedStateBackend<TKey> backend, IRocksDbStateTable table)
    : RocksDbKvState<TKey, TNamespace>(backend, table), IInternalListState<TNamespace, TValue>
    where TKey : notnull
    where TNamespace : notnull
{
    private readonly IStateCodec<TValue> _codec = backend.Codecs.For<TValue>();
    private readonly SerializationBuffer _buffer = new();

    public IReadOnlyList<TValue> Get() => GetBytes(Namespace) is { } bytes ? RocksDbListElements.Read(bytes, _codec) : [];

    public void Add(TValue value)
    {
        _buffer.Reset();
        if (GetBytes(Namespace) is { } existing) _buffer.Write(existing);
        _codec.Write(_buffer.Writer, value);
        PutBytes(Namespace, _buffer.Written);
    }

    public void Update(IEnumerable<TValue> values)
    {
        _buffer.Reset();
        foreach (var value in values) _codec.Write(_buffer.Writer, value);
        if (_buffer.Length == 0) Clear();
        else PutBytes(Namespace, _buffer.Written);
    }

    public void MergeNamespaces(TNamespace target, IEnumerable<TNamespace> sources) => MergeNamespaces(target, sources, static (a, b) => [.. a, .. b]);
}
