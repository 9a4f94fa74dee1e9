namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Names the codec that writes values of the type in checkpoints and native savepoints, instead of
/// Orleans' serializer: for state types a job holds by the million, where a compact hand-written
/// layout is much smaller and faster. The codec (an <see cref="IStateCodec{T}"/> of the type, built
/// with the silo's services) records its own <see cref="IStateCodec{T}.Name"/>; canonical savepoints
/// still write the type as versioned JSON. To keep reading snapshots written before it, the codec
/// implements <see cref="IReadsEarlierStateCodecs{T}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class StateCodecAttribute(Type codecType) : Attribute
{
    public Type CodecType { get; } = codecType;
}

/// <summary>A type's own codec that also reads what the type's earlier codecs (such as <c>orleans:&lt;type&gt;</c>) wrote.</summary>
public interface IReadsEarlierStateCodecs<T>
{
    /// <summary>The codec that reads values a codec named <paramref name="recordedName"/> wrote, or null when it does not know that name.</summary>
    IStateCodec<T>? ForEarlier(string recordedName);
}
