using System.Text;
using System.Text.Json;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.Tests.State;
using GrainFlow.Savepoints;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static GrainFlow.Runtime.Tests.Checkpointing.CodecBytes;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>The codec of state keys in a namespace (a window): its recorded name, either format reading the other, and decoding offline.</summary>
[Trait("Category", "Unit")]
public sealed class NamespacedKeyCodecTests
{
    private readonly StateCodecs _native = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    [Fact]
    public void TheNameRecordsTheKeyAndNamespaceCodecsAndEitherFormatReadsWhatTheOtherWrote()
    {
        var canonical = _native.In(SavepointFormatType.Canonical);
        var value = new NamespacedKey<string, TestWindow>("user|1:x", new TestWindow(0, 600_000));
        var json = canonical.For<NamespacedKey<string, TestWindow>>();
        var native = _native.For<NamespacedKey<string, TestWindow>>();
        Assert.Equal($"namespaced:6:string:json:v1:{typeof(TestWindow).FullName}", json.Name);
        Assert.True(StateCodecNames.TrySplitNamespaced(native.Name, out var key, out var ns));
        Assert.Equal(("string", $"orleans:{typeof(TestWindow).FullName}"), (key, ns));

        Assert.Equal(value, Read(_native.ForRecorded<NamespacedKey<string, TestWindow>>(json.Name), Write(json, value)));
        Assert.Equal(value, Read(canonical.ForRecorded<NamespacedKey<string, TestWindow>>(native.Name), Write(native, value)));
    }

    [Fact]
    public void StateKeptPerKeyCannotBeReadAsStateInANamespace()
    {
        var error = Assert.Throws<InvalidDataException>(() => _native.ForRecorded<NamespacedKey<long, TestWindow>>("long"));
        Assert.Contains("per key and namespace", error.Message);
        Assert.False(StateCodecNames.TrySplitNamespaced("namespaced:99:long:long", out _, out _));
        Assert.False(StateCodecNames.TrySplitNamespaced("namespaced:-4:long:long", out _, out _));
    }

    [Fact]
    public void AnOfflineReaderDecodesANamespacedKeyAsItsKeyAndNamespace()
    {
        var codec = _native.In(SavepointFormatType.Canonical).For<NamespacedKey<long, TestWindow>>();
        var decoder = new StateValueDecoders().For(codec.Name, out var whyNot);
        Assert.Null(whyNot);
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            using var input = new BinaryReader(new MemoryStream(Write(codec, new NamespacedKey<long, TestWindow>(7, new TestWindow(10, 20)))), Encoding.UTF8);
            decoder!(input, json);
        }
        Assert.Equal("""{"key":7,"namespace":{"Start":10,"End":20}}""", Encoding.UTF8.GetString(output.ToArray()));

        Assert.Null(new StateValueDecoders().For("namespaced:4:long:orleans:Nowhere.Window", out var unknown));
        Assert.Contains("Nowhere.Window", unknown);
    }
}
