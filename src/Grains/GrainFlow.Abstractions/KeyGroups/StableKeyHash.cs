namespace GrainFlow.KeyGroups;

/// <summary>
/// A key's hash that is the same in every process, on every machine and in every .NET version —
/// unlike <see cref="object.GetHashCode"/>, which is randomized per process for strings.
/// </summary>
/// <remarks>
/// The values equal Java's <c>hashCode()</c> for the same primitive values and strings, so that a
/// key lands in the same key group as it would in Flink.
/// </remarks>
public static class StableKeyHash
{
    public static int Of(string value)
    {
        // Java's String.hashCode over UTF-16 code units, with int overflow.
        var h = 0;
        foreach (var c in value)
        {
            h = unchecked(31 * h + c);
        }
        return h;
    }

    public static int Of(long value) => unchecked((int)(value ^ (long)((ulong)value >> 32)));

    public static int Of(int value) => value;

    public static int Of(bool value) => value ? 1231 : 1237;

    public static int Of(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        var most = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes);
        var least = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[8..]);
        return Of(most ^ least); // Java's UUID.hashCode
    }

    /// <summary>The hash of any supported key; throws for a type without a stable hash.</summary>
    public static int OfKey<TKey>(TKey key) where TKey : notnull => key switch
    {
        string s => Of(s),
        long l => Of(l),
        int i => Of(i),
        short s16 => s16,
        byte b => b,
        sbyte sb => sb,
        ushort u16 => u16,
        uint u32 => unchecked((int)u32),
        ulong u64 => Of(unchecked((long)u64)),
        char ch => ch,
        bool flag => Of(flag),
        Guid g => Of(g),
        IStableHashable custom => custom.GetStableHashCode(),
        Enum e => Of(Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException(UnsupportedMessage(key.GetType())),
    };

    /// <summary>True when <paramref name="keyType"/> has a stable hash (checked when a job graph is built).</summary>
    public static bool Supports(Type keyType) =>
        keyType == typeof(string) || keyType == typeof(long) || keyType == typeof(int) || keyType == typeof(short)
        || keyType == typeof(byte) || keyType == typeof(sbyte) || keyType == typeof(ushort) || keyType == typeof(uint)
        || keyType == typeof(ulong) || keyType == typeof(char) || keyType == typeof(bool) || keyType == typeof(Guid)
        || keyType.IsEnum || typeof(IStableHashable).IsAssignableFrom(keyType);

    public static string UnsupportedMessage(Type keyType) =>
        $"Key type '{keyType.FullName}' has no stable hash, so its key groups could differ between silos. "
        + "Key by a string, an integer type, a bool, a Guid or an enum, or implement GrainFlow.KeyGroups.IStableHashable on the key type.";
}

/// <summary>Implemented by user key types to give a hash that never changes between processes.</summary>
public interface IStableHashable
{
    int GetStableHashCode();
}
