using System.Reflection;
using System.Runtime.CompilerServices;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Writes and reads a <see cref="TimeWindowKey{TKey}"/> exactly as the <see cref="NamespacedKeyCodec{TKey, TNamespace}"/>
/// of <c>NamespacedKey&lt;TKey, TimeWindow&gt;</c> it wraps, under the same name: the heap backend's
/// layout of window state is its own business, snapshots and every reader of them see the namespaced key.
/// </summary>
internal sealed class TimeWindowKeyCodec<TKey>(NamespacedKeyCodec<TKey, TimeWindow> codec) : IStateCodec<TimeWindowKey<TKey>>
{
    private readonly IStateCodec<TKey> _key = codec.KeyCodec;
    private readonly IStateCodec<TimeWindow> _window = codec.NamespaceCodec;
    // The native window codec writes the bounds: written here without a TimeWindow per entry.
    private readonly bool _bounds = codec.NamespaceCodec.Name == WindowStateCodecs.TimeWindowName;

    public string Name => codec.Name;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(BinaryWriter writer, TimeWindowKey<TKey> value)
    {
        _key.Write(writer, value.Key);
        if (_bounds)
        {
            writer.Write(value.Start);
            writer.Write(value.End);
        }
        else
        {
            _window.Write(writer, value.Window);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TimeWindowKey<TKey> Read(BinaryReader reader)
    {
        var key = _key.Read(reader);
        if (_bounds) return new(key, reader.ReadInt64(), reader.ReadInt64());
        var window = _window.Read(reader);
        return new(key, window.Start, window.End);
    }
}

/// <summary>Builds <see cref="TimeWindowKeyCodec{TKey}"/> for a <see cref="TimeWindowKey{TKey}"/> type known only at run time.</summary>
internal static class TimeWindowKeyCodecs
{
    public static bool IsTimeWindowKey(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TimeWindowKey<>);

    /// <summary>The codec <paramref name="codecs"/> writes <paramref name="type"/> with: its namespaced key's.</summary>
    public static object For(Type type, StateCodecs codecs) => Invoke(nameof(Current), type, codecs, null);

    /// <summary>The codec that reads what the namespaced-key codec named <paramref name="recordedName"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The name is not a namespaced-key codec's, or a part cannot be read as its type.</exception>
    public static object ForRecorded(Type type, StateCodecs codecs, string recordedName) => Invoke(nameof(Recorded), type, codecs, recordedName);

    private static object Invoke(string method, Type type, StateCodecs codecs, string? recordedName)
    {
        var generic = typeof(TimeWindowKeyCodecs).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.GetGenericArguments());
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

    private static object Current<TKey>(StateCodecs codecs, string? _) =>
        new TimeWindowKeyCodec<TKey>((NamespacedKeyCodec<TKey, TimeWindow>)codecs.For<NamespacedKey<TKey, TimeWindow>>());

    private static object Recorded<TKey>(StateCodecs codecs, string? recordedName) =>
        new TimeWindowKeyCodec<TKey>((NamespacedKeyCodec<TKey, TimeWindow>)codecs.ForRecorded<NamespacedKey<TKey, TimeWindow>>(recordedName!));
}
