using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>
/// Multi-part puts of the file store with direct I/O: aligned part buffers written as they are,
/// any other memory copied, blocks padded and the file cut back to its length.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DirectIoWriteTests : IDisposable
{
    private const int Block = ObjectPartBuffer.Alignment;
    private readonly string _root = Directory.CreateTempSubdirectory("grainflow-direct-io-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_test_directory_supports_direct_io_so_the_other_tests_exercise_it()
    {
        Assert.True(DirectFileWriter.IsPlatformSupported, "this test needs Linux on x64 or arm64, where the file store uses direct I/O");
        var path = Path.Combine(_root, "probe");

        using var handle = DirectFileWriter.TryCreate(path);

        Assert.True(handle is not null, $"'{_root}' refused O_DIRECT: this machine's file system would take the buffered path");
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Aligned_and_unaligned_parts_in_any_order_make_exactly_the_bytes_given()
    {
        var store = new FileSystemObjectStore(_root);
        var random = new Random(21);
        // Aligned parts (written without a copy), an odd part that leaves the file mid-block (so the
        // aligned parts after it are copied), a part larger than the copy buffers, and a short tail.
        var sizes = new (int Bytes, bool Aligned)[]
        {
            (1 << 20, true), (3 * Block, true), (1000, false), (2 << 20, true), (9 << 20, false), (Block, true), (777, true),
        };
        var expected = new MemoryStream();
        var buffers = new List<ObjectPartBuffer>();

        async IAsyncEnumerable<ObjectPart> Parts()
        {
            foreach (var (bytes, aligned) in sizes)
            {
                var data = new byte[bytes];
                random.NextBytes(data);
                expected.Write(data);
                await Task.Yield();
                if (!aligned)
                {
                    yield return new ObjectPart(data);
                    continue;
                }
                var buffer = ObjectPartBuffer.Rent(bytes);
                buffers.Add(buffer);
                data.CopyTo(buffer.Memory.Span);
                yield return buffer.ToPart(bytes);
            }
        }

        var etag = await store.PutPartsAsync("mixed/object", Parts());

        var stored = await store.GetAsync("mixed/object");
        Assert.Equal(expected.Length, stored!.Data.Length);
        Assert.True(expected.ToArray().AsSpan().SequenceEqual(stored.Data), "the file differs from the parts");
        Assert.Equal(XxHash64.HashToUInt64(expected.ToArray()).ToString("x16"), etag);
        Assert.Equal(etag, stored.ETag);
        Assert.Equal(["object"], Directory.GetFiles(Path.Combine(_root, "mixed")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_failing_producer_after_aligned_parts_leaves_nothing_and_the_key_stays_free()
    {
        var store = new FileSystemObjectStore(_root);

        async IAsyncEnumerable<ObjectPart> Failing([EnumeratorCancellation] CancellationToken cancellation = default)
        {
            for (var i = 0; i < 3; i++)
            {
                var buffer = ObjectPartBuffer.Rent(1 << 20);
                buffer.Memory.Span.Fill((byte)i);
                yield return buffer.ToPart(1 << 20);
                await Task.Yield();
            }
            throw new InvalidOperationException("serializer failed");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutPartsAsync("f/object", Failing(), WriteCondition.IfNotExists));

        Assert.Empty(Directory.Exists(Path.Combine(_root, "f")) ? Directory.GetFiles(Path.Combine(_root, "f")) : []);
        var buffer = ObjectPartBuffer.Rent(Block);
        await store.PutPartsAsync("f/object", One(buffer.ToPart(10)), WriteCondition.IfNotExists);
        Assert.Equal(10, (await store.GetInfoAsync("f/object"))!.Size);
    }

    [Fact]
    public void Part_buffers_are_aligned_at_least_as_large_as_asked_and_return_to_the_pool_once()
    {
        foreach (var size in new[] { 1, Block - 1, Block + 1, 1 << 20, (8 << 20) + 5 })
        {
            var buffer = ObjectPartBuffer.Rent(size);
            Assert.True(buffer.Memory.Length >= size);
            Assert.True(MemoryMarshal.TryGetArray<byte>(buffer.Memory, out var segment));
            Assert.Equal(0, (long)Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array!, segment.Offset) % Block);
            Assert.Throws<ArgumentOutOfRangeException>(() => buffer.ToPart(buffer.Memory.Length + 1));
            buffer.Dispose();
            buffer.Dispose();
        }
    }

    private static async IAsyncEnumerable<ObjectPart> One(ObjectPart part)
    {
        yield return part;
        await Task.CompletedTask;
    }
}
