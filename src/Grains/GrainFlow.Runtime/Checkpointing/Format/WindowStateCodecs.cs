using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Operators.Windowing;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Native codecs for the state GrainFlow's windows and timers keep per key: the window of every entry
/// in a namespace, the merging-window set of session windows, the times of a key's timers. A job with
/// a million keys holds millions of them; through Orleans' serializer (a session per call, field
/// headers per value) they were most of a checkpoint's bytes and time. Each writes fixed-width
/// <c>long</c>s with a 7-bit count where there is a list; canonical savepoints keep writing JSON.
/// </summary>
internal static class WindowStateCodecs
{
    public const string TimeWindowName = "time-window";
    public const string TimeWindowMappingsName = "time-window-mappings";
    public const string LongsName = "longs";

    private const MethodImplOptions Optimized = MethodImplOptions.AggressiveOptimization;

    /// <summary>The native codec of <typeparamref name="T"/> among these, or null.</summary>
    public static IStateCodec<T>? For<T>()
    {
        if (typeof(T) == typeof(TimeWindow)) return (IStateCodec<T>)(object)new TimeWindowCodec();
        if (typeof(T) == typeof(WindowMapping<TimeWindow>[])) return (IStateCodec<T>)(object)new TimeWindowMappingsCodec();
        if (typeof(T) == typeof(ImmutableArray<long>)) return (IStateCodec<T>)(object)new LongsCodec();
        return null;
    }

    [MethodImpl(Optimized)]
    private static void WriteWindow(BinaryWriter writer, TimeWindow window)
    {
        writer.Write(window.Start);
        writer.Write(window.End);
    }

    [MethodImpl(Optimized)]
    private static TimeWindow ReadWindow(BinaryReader reader) => new(reader.ReadInt64(), reader.ReadInt64());

    private sealed class TimeWindowCodec : IStateCodec<TimeWindow>
    {
        public string Name => TimeWindowName;

        [MethodImpl(Optimized)]
        public void Write(BinaryWriter writer, TimeWindow value) => WriteWindow(writer, value);

        [MethodImpl(Optimized)]
        public TimeWindow Read(BinaryReader reader) => ReadWindow(reader);
    }

    /// <summary>A count, then per entry the in-flight window and its state window.</summary>
    private sealed class TimeWindowMappingsCodec : IStateCodec<WindowMapping<TimeWindow>[]>
    {
        public string Name => TimeWindowMappingsName;

        [MethodImpl(Optimized)]
        public void Write(BinaryWriter writer, WindowMapping<TimeWindow>[] value)
        {
            writer.Write7BitEncodedInt(value.Length);
            foreach (var mapping in value)
            {
                WriteWindow(writer, mapping.Window);
                WriteWindow(writer, mapping.StateWindow);
            }
        }

        [MethodImpl(Optimized)]
        public WindowMapping<TimeWindow>[] Read(BinaryReader reader)
        {
            var mappings = new WindowMapping<TimeWindow>[reader.Read7BitEncodedInt()];
            for (var i = 0; i < mappings.Length; i++) mappings[i] = new WindowMapping<TimeWindow>(ReadWindow(reader), ReadWindow(reader));
            return mappings;
        }
    }

    /// <summary>A count, then the longs (the timer times of a key and namespace).</summary>
    private sealed class LongsCodec : IStateCodec<ImmutableArray<long>>
    {
        public string Name => LongsName;

        [MethodImpl(Optimized)]
        public void Write(BinaryWriter writer, ImmutableArray<long> value)
        {
            var values = value.IsDefault ? [] : value.AsSpan();
            writer.Write7BitEncodedInt(values.Length);
            foreach (var v in values) writer.Write(v);
        }

        [MethodImpl(Optimized)]
        public ImmutableArray<long> Read(BinaryReader reader)
        {
            var values = new long[reader.Read7BitEncodedInt()];
            for (var i = 0; i < values.Length; i++) values[i] = reader.ReadInt64();
            return ImmutableCollectionsMarshal.AsImmutableArray(values);
        }
    }
}
