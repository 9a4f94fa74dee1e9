using System.Reflection;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Writes the key of an entry in a namespace (a window) as the record key followed by the namespace,
/// each with its own codec; its name records both (<see cref="StateCodecNames.Namespaced"/>), so a
/// restore and an offline reader know how to read either part.
/// </summary>
internal sealed class NamespacedKeyCodec<TKey, TNamespace>(IStateCodec<TKey> key, IStateCodec<TNamespace> ns) : IStateCodec<NamespacedKey<TKey, TNamespace>>
{
    public string Name { get; } = StateCodecNames.Namespaced(key.Name, ns.Name);

    public void Write(BinaryWriter writer, NamespacedKey<TKey, TNamespace> value)
    {
        key.Write(writer, value.Key);
        ns.Write(writer, value.Namespace);
    }

    public NamespacedKey<TKey, TNamespace> Read(BinaryReader reader) => new(key.Read(reader), ns.Read(reader));
}

/// <summary>Builds <see cref="NamespacedKeyCodec{TKey, TNamespace}"/> for a <see cref="NamespacedKey{TKey, TNamespace}"/> type known only at run time.</summary>
internal static class NamespacedKeyCodecs
{
    public static bool IsNamespacedKey(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(NamespacedKey<,>);

    /// <summary>The codec <paramref name="codecs"/> writes <paramref name="type"/> with.</summary>
    public static object For(Type type, StateCodecs codecs) => Invoke(nameof(Current), type, codecs, null);

    /// <summary>The codec that reads what the codec named <paramref name="recordedName"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The name is not a namespaced-key codec's, or a part cannot be read as its type.</exception>
    public static object ForRecorded(Type type, StateCodecs codecs, string recordedName) => Invoke(nameof(Recorded), type, codecs, recordedName);

    private static object Invoke(string method, Type type, StateCodecs codecs, string? recordedName)
    {
        var generic = typeof(NamespacedKeyCodecs).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.GetGenericArguments());
        try
        {
            return generic.Invoke(null, [codecs, recordedName])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static object Current<TKey, TNamespace>(StateCodecs codecs, string? _) => new NamespacedKeyCodec<TKey, TNamespace>(codecs.For<TKey>(), codecs.For<TNamespace>());

    private static object Recorded<TKey, TNamespace>(StateCodecs codecs, string? recordedName)
    {
        if (!StateCodecNames.TrySplitNamespaced(recordedName!, out var key, out var ns))
        {
            throw new InvalidDataException(
                $"The snapshot holds state written per key by codec '{recordedName}', but this job keeps it per key and namespace (a window). " +
                "Restore with the operators the snapshot was taken with, or give the changed state a new name.");
        }
        return new NamespacedKeyCodec<TKey, TNamespace>(codecs.ForRecorded<TKey>(key), codecs.ForRecorded<TNamespace>(ns));
    }
}
