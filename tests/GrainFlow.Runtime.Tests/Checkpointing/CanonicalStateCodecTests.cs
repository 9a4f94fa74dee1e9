using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Savepoints;
using GrainFlow.Testing.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static GrainFlow.Runtime.Tests.Checkpointing.CodecBytes;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>The codecs of the two savepoint formats: names, the canonical JSON bytes, reading by recorded name, and types JSON cannot restore.</summary>
[Trait("Category", "Unit")]
public sealed class CanonicalStateCodecTests
{
    private readonly StateCodecs _native = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    [Fact]
    public void CanonicalWritesUserTypesAsLengthPrefixedJsonAndBuiltinsAsInTheNativeFormat()
    {
        var canonical = _native.In(SavepointFormatType.Canonical);
        Assert.Same(_native, _native.In(SavepointFormatType.Native));
        Assert.Equal($"json:v1:{typeof(KeySummary).FullName}", canonical.For<KeySummary>().Name);
        Assert.Equal($"orleans:{typeof(KeySummary).FullName}", _native.For<KeySummary>().Name);
        Assert.Equal("long", canonical.For<long>().Name);
        Assert.Equal("bytes", canonical.For<byte[]>().Name);

        var value = new KeySummary(3, 42, "key-7");
        var bytes = Write(canonical.For<KeySummary>(), value);
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var length = reader.Read7BitEncodedInt();
        Assert.Equal(bytes.Length - reader.BaseStream.Position, length);
        using var json = JsonDocument.Parse(reader.ReadBytes(length));
        Assert.Equal("""{"Count":3,"Sum":42,"Label":"key-7"}""", json.RootElement.GetRawText());
        Assert.Equal(value, Read(canonical.For<KeySummary>(), bytes));

        var map = ImmutableDictionary<int, long>.Empty.Add(0, 5).Add(2, 7);
        var mapBytes = Write(canonical.For<ImmutableDictionary<int, long>>(), map);
        Assert.Equal(map.OrderBy(e => e.Key), Read(canonical.For<ImmutableDictionary<int, long>>(), mapBytes).OrderBy(e => e.Key));
    }

    [Fact]
    public void EitherFormatReadsWhatTheOtherWroteByTheRecordedCodecName()
    {
        var canonical = _native.In(SavepointFormatType.Canonical);
        var value = new KeySummary(1, 2, "x");
        var json = Write(canonical.For<KeySummary>(), value);
        var orleans = Write(_native.For<KeySummary>(), value);
        Assert.Equal(value, Read(_native.ForRecorded<KeySummary>(canonical.For<KeySummary>().Name), json));
        Assert.Equal(value, Read(canonical.ForRecorded<KeySummary>(_native.For<KeySummary>().Name), orleans));
        var unknown = Assert.Throws<InvalidDataException>(() => _native.ForRecorded<KeySummary>("json:v9:Something"));
        Assert.Contains("'json:v9:Something'", unknown.Message);
    }

    [Fact]
    public void ATypeWhoseJsonWouldDropAnAutoPropertyOnRestoreIsRefusedButComputedPropertiesAreFine()
    {
        var canonical = _native.In(SavepointFormatType.Canonical);
        var refused = Assert.Throws<NotSupportedException>(() => canonical.For<Tally>());
        Assert.Contains("Tally.Total", refused.Message);
        Assert.Contains("native savepoint", refused.Message);
        Assert.Equal(new WithComputed(4), Read(canonical.For<WithComputed>(), Write(canonical.For<WithComputed>(), new WithComputed(4))));
        // Nested in a collection too.
        Assert.Throws<NotSupportedException>(() => canonical.For<ImmutableList<Tally>>());
    }

    public sealed class Tally
    {
        public long Total { get; private set; }

        public void Add(long value) => Total += value;
    }

    public sealed record WithComputed(long Count)
    {
        public bool IsEmpty => Count == 0;
    }
}
