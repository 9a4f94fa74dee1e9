using System.IO.Hashing;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The checksum of a piece of snapshot state (<see cref="StateHandle.Checksum"/>), by the algorithm
/// its handle names (<see cref="StateHandle.ChecksumAlgorithm"/>).
/// </summary>
/// <remarks>
/// Snapshots are checksummed with XXH3 (64 bits), which hashes about four times faster than
/// XxHash64 and so costs the serializing thread little even at a GB of state. Handles written before
/// the algorithm was recorded name none: they hold XxHash64, which every build keeps reading.
/// </remarks>
internal sealed class StateChecksum
{
    /// <summary>What new snapshots record.</summary>
    public const string Current = Xxh3;

    public const string Xxh3 = "xxh3";
    public const string Xxh64 = "xxh64";

    private readonly XxHash3? _xxh3;
    private readonly XxHash64? _xxh64;

    private StateChecksum(XxHash3? xxh3, XxHash64? xxh64)
    {
        _xxh3 = xxh3;
        _xxh64 = xxh64;
    }

    /// <summary>The checksum so far.</summary>
    public ulong Value => _xxh3?.GetCurrentHashAsUInt64() ?? _xxh64!.GetCurrentHashAsUInt64();

    /// <summary>A new, empty checksum of <paramref name="algorithm"/> (null: a handle from before algorithms were recorded, XxHash64).</summary>
    /// <exception cref="InvalidDataException">The algorithm is not one this build knows.</exception>
    public static StateChecksum Create(string? algorithm) => algorithm switch
    {
        Xxh3 => new StateChecksum(new XxHash3(), null),
        null or Xxh64 => new StateChecksum(null, new XxHash64()),
        _ => throw new InvalidDataException(
            $"The snapshot's state is checksummed with '{algorithm}', which this GrainFlow does not know (it reads {Xxh3} and {Xxh64}). Restore it with the GrainFlow version that wrote it or a newer one."),
    };

    /// <summary>The checksum of <paramref name="data"/> by <paramref name="algorithm"/>.</summary>
    public static ulong Compute(string? algorithm, ReadOnlySpan<byte> data)
    {
        var checksum = Create(algorithm);
        checksum.Append(data);
        return checksum.Value;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_xxh3 is not null) _xxh3.Append(data);
        else _xxh64!.Append(data);
    }
}
