using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GrainFlow.Storage;

/// <summary>
/// Memory for the parts of <see cref="IObjectStore.PutPartsAsync"/> that every store can write as it
/// is: pinned and starting at a multiple of <see cref="Alignment"/>, which the file store's direct
/// I/O needs (it copies parts in other memory first). Rented from a small pool and returned when
/// the part made from it is disposed.
/// </summary>
/// <remarks>
/// Pooled rather than allocated per part: a large array fresh from the runtime is memory the
/// process touches for the first time, which costs page faults (and, on VMs, more).
/// </remarks>
public sealed class ObjectPartBuffer : IDisposable
{
    /// <summary>The alignment of <see cref="Memory"/>: covers the block size of the disks in use (512 or 4096 bytes).</summary>
    public const int Alignment = 4096;

    // Per power-of-two size; a few of each are kept, enough for the parts in flight of a few uploads.
    private const int RetainedPerSize = 4;
    private static readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> Pool = new();

    private readonly int _capacity;
    private byte[]? _array;

    private ObjectPartBuffer(byte[] array, int capacity)
    {
        _array = array;
        _capacity = capacity;
        Memory = array.AsMemory(AlignedStart(array), capacity);
    }

    /// <summary>At least the requested number of bytes (a power of two), aligned; not cleared.</summary>
    public Memory<byte> Memory { get; }

    /// <summary>Rents a buffer of at least <paramref name="minimumLength"/> bytes.</summary>
    public static ObjectPartBuffer Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumLength, 1 << 30);
        var capacity = (int)Math.Max(BitOperations.RoundUpToPowerOf2((uint)minimumLength), Alignment);
        var array = Pool.TryGetValue(capacity, out var pooled) && pooled.TryTake(out var reused)
            ? reused
            : GC.AllocateUninitializedArray<byte>(capacity + Alignment, pinned: true);
        return new ObjectPartBuffer(array, capacity);
    }

    /// <summary>
    /// A part of the first <paramref name="length"/> bytes that owns this buffer from now on: the
    /// store disposes the part when it is done, which returns the buffer to the pool.
    /// </summary>
    public ObjectPart ToPart(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _capacity);
        return new ObjectPart(Memory[..length], Dispose) { IsAligned = true };
    }

    /// <summary>
    /// A part of the first <paramref name="length"/> bytes that only borrows this buffer: disposing the
    /// part does nothing, so the same bytes can be written again (as a raw-bandwidth reference does);
    /// the caller disposes the buffer after the last put using it has ended.
    /// </summary>
    public ObjectPart Borrow(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _capacity);
        return new ObjectPart(Memory[..length]) { IsAligned = true };
    }

    /// <summary>Returns the buffer to the pool (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is not { } array) return;
        var bag = Pool.GetOrAdd(_capacity, _ => []);
        if (bag.Count < RetainedPerSize) bag.Add(array);
    }

    private static int AlignedStart(byte[] array)
    {
        var address = (long)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        return (int)((Alignment - (address % Alignment)) % Alignment);
    }
}
