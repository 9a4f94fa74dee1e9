using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Operators.Windowing;
using GrainFlow.Runtime.State;
using GrainFlow.Savepoints;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static GrainFlow.Runtime.Tests.Checkpointing.CodecBytes;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>The native codecs of windows, merging-window sets and timer times: their bytes, snapshots written by Orleans before them, canonical savepoints, and decoding offline.</summary>
[Trait("Category", "Unit")]
public sealed class WindowStateCodecTests
{
    private static readonly WindowMapping<TimeWindow>[] Mappings = [new(new TimeWindow(0, 30), new TimeWindow(0, 10)), new(new TimeWindow(50, 60), new TimeWindow(50, 60))];
    private static readonly ImmutableArray<long> Times = [5, 1_798_761_600_000];

    private readonly StateCodecs _native = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    [Fact]
    public void CheckpointsWriteWindowsMappingsAndTimerTimesAsFixedWidthLongs()
    {
        Assert.Equal("time-window", _native.For<TimeWindow>().Name);
        Assert.Equal("time-window-mappings", _native.For<WindowMapping<TimeWindow>[]>().Name);
        Assert.Equal("longs", _native.For<ImmutableArray<long>>().Name);
        Assert.Equal("namespaced:6:string:time-window", _native.For<NamespacedKey<string, TimeWindow>>().Name);

        Assert.Equal(16, Write(_native.For<TimeWindow>(), new TimeWindow(1, 2)).Length);
        Assert.Equal(1 + 2 * 32, Write(_native.For<WindowMapping<TimeWindow>[]>(), Mappings).Length);
        Assert.Equal(1 + 2 * 8, Write(_native.For<ImmutableArray<long>>(), Times).Length);

        Assert.Equal(new TimeWindow(-5, long.MaxValue), Read(_native.For<TimeWindow>(), Write(_native.For<TimeWindow>(), new TimeWindow(-5, long.MaxValue))));
        Assert.Equal(Mappings, Read(_native.For<WindowMapping<TimeWindow>[]>(), Write(_native.For<WindowMapping<TimeWindow>[]>(), Mappings)));
        Assert.Equal(Times.ToArray(), Read(_native.For<ImmutableArray<long>>(), Write(_native.For<ImmutableArray<long>>(), Times)).ToArray());
    }

    [Fact]
    public void SnapshotsTakenWhenOrleansWroteWindowsMappingsAndTimersStillRestore()
    {
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        Assert.Equal(new TimeWindow(3, 9), Read(_native.ForRecorded<TimeWindow>($"orleans:{typeof(TimeWindow).FullName}"), OrleansBytes(services, new TimeWindow(3, 9))));
        Assert.Equal(Mappings, Read(_native.ForRecorded<WindowMapping<TimeWindow>[]>($"orleans:{typeof(WindowMapping<TimeWindow>[]).FullName}"), OrleansBytes(services, Mappings)));
        Assert.Equal(Times.ToArray(), Read(_native.ForRecorded<ImmutableArray<long>>($"orleans:{typeof(ImmutableArray<long>).FullName}"), OrleansBytes(services, Times)).ToArray());

        var key = new NamespacedKey<string, TimeWindow>("user-1", new TimeWindow(0, 600_000));
        var keyCodec = _native.ForRecorded<NamespacedKey<string, TimeWindow>>($"namespaced:6:string:orleans:{typeof(TimeWindow).FullName}");
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(key.Key);
            writer.Write(OrleansBytes(services, key.Namespace));
        }
        Assert.Equal(key, Read(keyCodec, stream.ToArray()));
    }

    [Fact]
    public void CanonicalSavepointsKeepJsonAndACanonicalReaderReadsACheckpoint()
    {
        var canonical = _native.In(SavepointFormatType.Canonical);
        Assert.Equal($"json:v1:{typeof(TimeWindow).FullName}", canonical.For<TimeWindow>().Name);
        Assert.Equal($"json:v1:{typeof(ImmutableArray<long>).FullName}", canonical.For<ImmutableArray<long>>().Name);
        Assert.Equal(Mappings, Read(canonical.ForRecorded<WindowMapping<TimeWindow>[]>("time-window-mappings"), Write(_native.For<WindowMapping<TimeWindow>[]>(), Mappings)));
        Assert.Equal(new TimeWindow(1, 2), Read(_native.ForRecorded<TimeWindow>(canonical.For<TimeWindow>().Name), Write(canonical.For<TimeWindow>(), new TimeWindow(1, 2))));
    }

    [Fact]
    public void AnOfflineReaderDumpsTheCompactCodecsAsTheCanonicalJson()
    {
        var canonical = _native.In(SavepointFormatType.Canonical);
        Assert.Equal(CanonicalJson(canonical.For<TimeWindow>(), new TimeWindow(3, 9)), Decode("time-window", Write(_native.For<TimeWindow>(), new TimeWindow(3, 9))));
        Assert.Equal(CanonicalJson(canonical.For<WindowMapping<TimeWindow>[]>(), Mappings), Decode("time-window-mappings", Write(_native.For<WindowMapping<TimeWindow>[]>(), Mappings)));
        Assert.Equal("[5,1798761600000]", Decode("longs", Write(_native.For<ImmutableArray<long>>(), Times)));
    }

    private static string CanonicalJson<T>(IStateCodec<T> canonical, T value)
    {
        using var reader = new BinaryReader(new MemoryStream(Write(canonical, value)));
        return Encoding.UTF8.GetString(reader.ReadBytes(reader.Read7BitEncodedInt()));
    }

    private static string Decode(string codec, byte[] bytes)
    {
        var decoder = new StateValueDecoders().For(codec, out var whyNot) ?? throw new InvalidOperationException(whyNot);
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            decoder(reader, json);
            Assert.Equal(bytes.Length, reader.BaseStream.Position);
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
