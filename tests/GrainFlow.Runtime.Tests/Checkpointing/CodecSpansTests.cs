using System.Text;
using GrainFlow.Runtime.Checkpointing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static GrainFlow.Runtime.Tests.Checkpointing.CodecBytes;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>Codecs that write a value in one span write the same bytes as <see cref="BinaryWriter"/> field by field.</summary>
[Trait("Category", "Unit")]
public sealed class CodecSpansTests
{
    [Theory]
    [InlineData("")]
    [InlineData("user-123456")]
    [InlineData("página ü 日本 \U0001F600")]
    [InlineData(300)]
    public void TheStringCodecWritesWhatBinaryWriterWrites(object text)
    {
        var value = text as string ?? new string('é', (int)text);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) writer.Write(value);

        var codec = new StateCodecs(new ServiceCollection().AddSerializer().BuildServiceProvider()).For<string>();
        Assert.Equal(stream.ToArray(), Write(codec, value));
        Assert.Equal(value, Read(codec, stream.ToArray()));
    }

    [Fact]
    public void FieldsGoInOneSpanAsBinaryWriterWouldWriteThem()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(true);
            writer.Write(-7L);
            writer.Write7BitEncodedInt64(300);
            writer.Write7BitEncodedInt64(-1);
            writer.Write("/page/3");
        }

        Span<byte> buffer = stackalloc byte[64];
        var spans = new CodecSpans(buffer);
        spans.Write(true);
        spans.Write(-7L);
        spans.Write7BitEncoded(300);
        spans.Write7BitEncoded(-1);
        Assert.True(spans.TryWrite("/page/3"));
        Assert.False(spans.TryWrite(new string('x', 40)));
        Assert.Equal(stream.ToArray(), spans.Written.ToArray());
    }
}
