using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GrainFlow.Savepoints;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>Writes and reads values of one type in snapshots; its <see cref="Name"/> is recorded so a restore can tell what wrote the bytes.</summary>
public interface IStateCodec<T>
{
    string Name { get; }

    void Write(BinaryWriter writer, T value);

    T Read(BinaryReader reader);
}

/// <summary>
/// Picks the codec for a type: compact built-ins for primitives, strings and byte arrays; in the
/// native format compact codecs for windows and timers (<see cref="WindowStateCodecs"/>) and a
/// type's own codec (<see cref="StateCodecAttribute"/>); for
/// everything else Orleans' serializer in the native format (checkpoints, native savepoints: user
/// types need <c>[GenerateSerializer]</c>, as for any Orleans message) and versioned JSON in the
/// canonical format (<see cref="In"/>), which any tool can read without the job's assembly.
/// A restore reads with the codec whose name the snapshot recorded, whatever the format it was
/// written in, so a type whose built-in codec is newer than the snapshot (byte arrays were once
/// written by Orleans) still reads.
/// </summary>
public sealed class StateCodecs
{
    // Codecs run once per value of every snapshot and restore: optimized from their first use rather
    // than after tiered compilation's quiet period, which a busy silo may not reach for minutes.
    private const MethodImplOptions Optimized = MethodImplOptions.AggressiveOptimization;

    private readonly IServiceProvider _services;
    private readonly SavepointFormatType _format;
    private readonly StateCodecs _native;
    private readonly StateCodecs? _canonical;
    private readonly ConcurrentDictionary<Type, object> _codecs = new();
    private readonly ConcurrentDictionary<Type, object> _orleansCodecs = new();
    private readonly ConcurrentDictionary<Type, object> _jsonCodecs = new();

    /// <summary>The native codecs (what checkpoints write); <see cref="In"/> gives the canonical ones.</summary>
    public StateCodecs(IServiceProvider services)
    {
        _services = services;
        _format = SavepointFormatType.Native;
        _native = this;
        _canonical = new StateCodecs(services, this);
    }

    private StateCodecs(IServiceProvider services, StateCodecs native)
    {
        _services = services;
        _format = SavepointFormatType.Canonical;
        _native = native;
    }

    /// <summary>The codecs that write snapshots in <paramref name="format"/>.</summary>
    public StateCodecs In(SavepointFormatType format) => format switch
    {
        SavepointFormatType.Native => _native,
        SavepointFormatType.Canonical => _native._canonical!,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown savepoint format."),
    };

    public IStateCodec<T> For<T>() => (IStateCodec<T>)_codecs.GetOrAdd(typeof(T), _ => Create<T>());

    /// <summary>The codec that reads what a codec named <paramref name="recordedName"/> wrote for <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">No codec of this build reads that name as a <typeparamref name="T"/>.</exception>
    public IStateCodec<T> ForRecorded<T>(string recordedName)
    {
        var current = For<T>();
        if (current.Name == recordedName) return current;
        if (Earlier(current, recordedName) is { } earlier) return earlier;
        // A canonical reader given a checkpoint: the native codecs (windows', a type's own) wrote it.
        var native = _native.For<T>();
        if (native.Name == recordedName) return native;
        if (Earlier(native, recordedName) is { } nativeEarlier) return nativeEarlier;
        if (NamespacedKeyCodecs.IsNamespacedKey(typeof(T))) return (IStateCodec<T>)NamespacedKeyCodecs.ForRecorded(typeof(T), this, recordedName);
        var orleans = _native.OrleansFor<T>();
        if (orleans.Name == recordedName) return orleans;
        // Named before it is built: building checks the type's JSON contract, which only matters when the snapshot holds JSON.
        if (StateCodecNames.Json(typeof(T)) == recordedName) return _native.JsonFor<T>();
        throw new InvalidDataException(
            $"The snapshot holds values written by codec '{recordedName}', but this job's state has type {typeof(T).FullName} (codec '{current.Name}'). " +
            "Restore with the state types the snapshot was taken with, or give the changed state a new name.");
    }

    private static IStateCodec<T>? Earlier<T>(IStateCodec<T> codec, string recordedName) =>
        codec is IReadsEarlierStateCodecs<T> earlier ? earlier.ForEarlier(recordedName) : null;

    private IStateCodec<T> OrleansFor<T>() =>
        (IStateCodec<T>)_orleansCodecs.GetOrAdd(typeof(T), _ => new OrleansCodec<T>(_services.GetRequiredService<Serializer<T>>()));

    private IStateCodec<T> JsonFor<T>() => (IStateCodec<T>)_jsonCodecs.GetOrAdd(typeof(T), _ => new JsonStateCodec<T>());

    private object Create<T>()
    {
        if (typeof(T) == typeof(long)) return new Builtin<long>("long", [MethodImpl(Optimized)] static (w, v) => w.Write(v), [MethodImpl(Optimized)] static (r) => r.ReadInt64());
        if (typeof(T) == typeof(int)) return new Builtin<int>("int", [MethodImpl(Optimized)] static (w, v) => w.Write(v), [MethodImpl(Optimized)] static (r) => r.ReadInt32());
        if (typeof(T) == typeof(double)) return new Builtin<double>("double", [MethodImpl(Optimized)] static (w, v) => w.Write(v), [MethodImpl(Optimized)] static (r) => r.ReadDouble());
        if (typeof(T) == typeof(bool)) return new Builtin<bool>("bool", [MethodImpl(Optimized)] static (w, v) => w.Write(v), [MethodImpl(Optimized)] static (r) => r.ReadBoolean());
        if (typeof(T) == typeof(string)) return new Builtin<string>("string", [MethodImpl(Optimized)] static (w, v) => w.Write(v), [MethodImpl(Optimized)] static (r) => r.ReadString());
        if (typeof(T) == typeof(byte[])) return new Builtin<byte[]>("bytes", WriteBytes, ReadBytes);
        if (NamespacedKeyCodecs.IsNamespacedKey(typeof(T))) return NamespacedKeyCodecs.For(typeof(T), this);
        if (_format == SavepointFormatType.Native && (WindowStateCodecs.For<T>() ?? OwnCodec<T>()) is { } compact) return compact;
        return _format == SavepointFormatType.Canonical ? _native.JsonFor<T>() : _native.OrleansFor<T>();
    }

    /// <summary>The codec the type names with <see cref="StateCodecAttribute"/>, or null.</summary>
    private IStateCodec<T>? OwnCodec<T>()
    {
        if (typeof(T).GetCustomAttributes(typeof(StateCodecAttribute), inherit: false) is not [StateCodecAttribute { CodecType: var codecType }]) return null;
        return ActivatorUtilities.CreateInstance(_services, codecType) as IStateCodec<T>
            ?? throw new InvalidOperationException($"{typeof(T).FullName} names {codecType.FullName} as its state codec, but that is not an {nameof(IStateCodec<T>)}<{typeof(T).Name}>.");
    }

    [MethodImpl(Optimized)]
    private static void WriteBytes(BinaryWriter writer, byte[] value)
    {
        writer.Write7BitEncodedInt(value.Length);
        writer.Write(value);
    }

    [MethodImpl(Optimized)]
    private static byte[] ReadBytes(BinaryReader reader) => reader.ReadBytes(reader.Read7BitEncodedInt());

    private sealed class Builtin<T>(string name, Action<BinaryWriter, T> write, Func<BinaryReader, T> read) : IStateCodec<T>
    {
        public string Name { get; } = name;

        [MethodImpl(Optimized)]
        public void Write(BinaryWriter writer, T value) => write(writer, value);

        [MethodImpl(Optimized)]
        public T Read(BinaryReader reader) => read(reader);
    }

    private sealed class OrleansCodec<T>(Serializer<T> serializer) : IStateCodec<T>
    {
        // One per thread: snapshots of several subtasks serialize on several pool threads at once.
        [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

        public string Name { get; } = $"{StateCodecNames.OrleansPrefix}{typeof(T).FullName}";

        public void Write(BinaryWriter writer, T value)
        {
            // Into a reused buffer, then straight to the writer: no array per value.
            var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
            buffer.ResetWrittenCount();
            serializer.Serialize(value, buffer);
            writer.Write7BitEncodedInt(buffer.WrittenCount);
            writer.Write(buffer.WrittenSpan);
        }

        public T Read(BinaryReader reader) => serializer.Deserialize(reader.ReadBytes(reader.Read7BitEncodedInt()))!;
    }
}
