using System.Buffers;

namespace GrainFlow.Storage;

/// <summary>
/// One piece of an object written with <see cref="IObjectStore.PutPartsAsync"/>: bytes the store may
/// read until it disposes the part. Disposing hands the memory back to whoever produced it (a pool),
/// so a producer can reuse a few buffers for an object of any size.
/// </summary>
public sealed class ObjectPart : IDisposable
{
    private Action? _release;

    /// <param name="data">The bytes; they must not change until the part is disposed.</param>
    /// <param name="release">Called once, when the store no longer needs <paramref name="data"/>.</param>
    public ObjectPart(ReadOnlyMemory<byte> data, Action? release = null)
    {
        Data = data;
        _release = release;
    }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// The data is pinned and starts at a multiple of <see cref="ObjectPartBuffer.Alignment"/>
    /// (made by <see cref="ObjectPartBuffer.ToPart"/>): a store needing aligned memory can write it
    /// without a copy.
    /// </summary>
    internal bool IsAligned { get; init; }

    /// <summary>
    /// A part of <paramref name="length"/> bytes of a buffer rented from <see cref="ArrayPool{T}.Shared"/>,
    /// which goes back to the pool when the part is disposed.
    /// </summary>
    public static ObjectPart FromPooled(byte[] buffer, int length) =>
        new(buffer.AsMemory(0, length), () => ArrayPool<byte>.Shared.Return(buffer));

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
