using System.Runtime.CompilerServices;
using System.Text;
using GrainFlow.Storage;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>The contract of <see cref="IObjectStore.PutPartsAsync"/>: large objects written from a sequence of parts.</summary>
public abstract partial class ObjectStoreContractTests
{
    /// <summary>Produces parts and counts what the store did with them.</summary>
    private sealed class PartSource(byte[] data, int partBytes)
    {
        private int _outstanding;

        public int Pulled;
        public int Released;
        public int MostOutstanding;

        /// <summary>The parts of <c>data</c>; throws instead of yielding part <paramref name="failAt"/> when given.</summary>
        public async IAsyncEnumerable<ObjectPart> Parts(int? failAt = null, CancellationTokenSource? cancelAt = null, int cancelIndex = -1,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int index = 0, offset = 0; offset < data.Length; index++, offset += partBytes)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                if (index == failAt)
                {
                    throw new InvalidOperationException($"the producer failed at part {index}");
                }

                if (index == cancelIndex)
                {
                    await cancelAt!.CancelAsync();
                }

                Interlocked.Increment(ref Pulled);
                var now = Interlocked.Increment(ref _outstanding);
                InterlockedMax(ref MostOutstanding, now);
                yield return new ObjectPart(data.AsMemory(offset, Math.Min(partBytes, data.Length - offset)), () =>
                {
                    Interlocked.Increment(ref Released);
                    Interlocked.Decrement(ref _outstanding);
                });
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, current) == current)
                {
                    return;
                }
            }
        }
    }

    [Fact]
    public async Task PutParts_publishes_the_parts_in_order_as_one_object_with_the_etag_readers_see()
    {
        var store = CreateStore();
        var data = RandomBytes((3 * 1024 * 1024) + 777, seed: 7);
        var source = new PartSource(data, partBytes: 256 * 1024);

        var etag = await store.PutPartsAsync("big/parts.bin", source.Parts());

        var stored = await store.GetAsync("big/parts.bin");
        Assert.True(data.AsSpan().SequenceEqual(stored!.Data), "the object came back different from its parts");
        Assert.Equal(etag, stored.ETag);
        Assert.Equal(etag, (await store.GetInfoAsync("big/parts.bin"))!.ETag);
        Assert.Equal(13, source.Pulled);
        Assert.Equal(source.Pulled, source.Released);
    }

    [Fact]
    public async Task PutParts_holds_only_a_bounded_number_of_parts_at_once()
    {
        var store = CreateStore();
        var data = RandomBytes(64 * 64 * 1024, seed: 8);
        var source = new PartSource(data, partBytes: 64 * 1024);

        await store.PutPartsAsync("bounded", source.Parts());

        Assert.Equal(64, source.Released);
        Assert.True(source.MostOutstanding <= 17, $"the store held {source.MostOutstanding} of 64 parts at once");
    }

    [Fact]
    public async Task PutParts_of_no_parts_writes_an_empty_object()
    {
        var store = CreateStore();

        await store.PutPartsAsync("empty", new PartSource([], 1024).Parts());

        Assert.Empty((await store.GetAsync("empty"))!.Data);
    }

    [Fact]
    public async Task PutParts_from_a_stream_round_trips_a_length_that_is_not_a_multiple_of_the_part_size()
    {
        var store = CreateStore();
        var data = RandomBytes((2 * 1024 * 1024) + 5, seed: 9);

        await store.PutPartsAsync("streamed", ObjectParts.FromStream(new MemoryStream(data), partBytes: 1024 * 1024));

        var stored = await store.GetAsync("streamed");
        Assert.True(data.AsSpan().SequenceEqual(stored!.Data));
    }

    [Fact]
    public async Task PutParts_whose_producer_fails_publishes_nothing_and_releases_every_part()
    {
        var store = CreateStore();
        var source = new PartSource(RandomBytes(10 * 64 * 1024, seed: 10), partBytes: 64 * 1024);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutPartsAsync("failed/object", source.Parts(failAt: 6)));

        Assert.Contains("part 6", ex.Message);
        Assert.Equal(source.Pulled, source.Released);
        Assert.Null(await store.GetInfoAsync("failed/object"));
        Assert.Empty(await ToListAsync(store.ListAsync("failed/")));

        // Nothing half-written blocks the key: a create-only write still succeeds.
        await store.PutPartsAsync("failed/object", new PartSource(Bytes("whole"), 2).Parts(), WriteCondition.IfNotExists);
        Assert.Equal("whole", Encoding.UTF8.GetString((await store.GetAsync("failed/object"))!.Data));
    }

    [Fact]
    public async Task PutParts_cancelled_midway_keeps_the_previous_object()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("kept", Bytes("previous"));
        using var cancellation = new CancellationTokenSource();
        var source = new PartSource(RandomBytes(10 * 64 * 1024, seed: 11), partBytes: 64 * 1024);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => store.PutPartsAsync("kept", source.Parts(cancelAt: cancellation, cancelIndex: 4), cancellationToken: cancellation.Token));

        var stored = await store.GetAsync("kept");
        Assert.Equal("previous", Encoding.UTF8.GetString(stored!.Data));
        Assert.Equal(etag, stored.ETag);
        Assert.Equal(source.Pulled, source.Released);
    }

    [Fact]
    public async Task PutParts_with_IfNotExists_fails_on_an_existing_object_and_leaves_it_unchanged()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("once", Bytes("first"));
        var source = new PartSource(RandomBytes(4 * 64 * 1024, seed: 12), partBytes: 64 * 1024);

        var ex = await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(
            () => store.PutPartsAsync("once", source.Parts(), WriteCondition.IfNotExists));

        Assert.Equal("once", ex.Key);
        var stored = await store.GetAsync("once");
        Assert.Equal("first", Encoding.UTF8.GetString(stored!.Data));
        Assert.Equal(etag, stored.ETag);
        Assert.Equal(source.Pulled, source.Released);
    }

    [Fact]
    public async Task PutParts_with_IfNotExists_lets_exactly_one_of_racing_writers_win_with_all_of_its_bytes()
    {
        var store = CreateStore();
        var other = CreateStoreInFolder(store, "race");
        var same = CreateStoreInFolder(store, "race");
        var payloads = Enumerable.Range(0, 6).Select(i => RandomBytes((6 * 64 * 1024) + i, seed: 100 + i)).ToArray();

        var results = await Task.WhenAll(payloads.Select(async (payload, i) =>
        {
            var target = i % 2 == 0 ? other : same;
            await Task.Yield();
            try
            {
                await target.PutPartsAsync("state.bin", new PartSource(payload, 64 * 1024).Parts(), WriteCondition.IfNotExists);
                return (Writer: i, Won: true);
            }
            catch (ObjectStorePreconditionFailedException)
            {
                return (Writer: i, Won: false);
            }
        }));

        var winner = Assert.Single(results, r => r.Won);
        var stored = await other.GetAsync("state.bin");
        Assert.True(payloads[winner.Writer].AsSpan().SequenceEqual(stored!.Data), "the object mixes the bytes of several writers");
    }

    [Fact]
    public async Task PutParts_with_IfMatch_replaces_only_the_version_read()
    {
        var store = CreateStore();
        var first = await store.PutAsync("versioned", Bytes("v1"));
        var second = await store.PutPartsAsync("versioned", new PartSource(Bytes("v2-in-parts"), 3).Parts(), WriteCondition.IfMatch(first));

        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(
            () => store.PutPartsAsync("versioned", new PartSource(Bytes("stale"), 3).Parts(), WriteCondition.IfMatch(first)));

        var stored = await store.GetAsync("versioned");
        Assert.Equal("v2-in-parts", Encoding.UTF8.GetString(stored!.Data));
        Assert.Equal(second, stored.ETag);
    }

    [Fact]
    public async Task PutParts_and_Put_replace_each_other_whatever_wrote_the_previous_version()
    {
        var store = CreateStore();
        var large = RandomBytes((9 * 1024 * 1024) + 1, seed: 13);

        await store.PutAsync("mixed", large);
        await store.PutPartsAsync("mixed", new PartSource(Bytes("parts"), 2).Parts());
        Assert.Equal("parts", Encoding.UTF8.GetString((await store.GetAsync("mixed"))!.Data));

        await store.PutPartsAsync("mixed", ObjectParts.FromMemory(large, 1024 * 1024));
        var stored = await store.GetAsync("mixed");
        Assert.True(large.AsSpan().SequenceEqual(stored!.Data));

        await store.PutAsync("mixed", Bytes("whole"));
        Assert.Equal("whole", Encoding.UTF8.GetString((await store.GetAsync("mixed"))!.Data));
    }

    [Fact]
    public async Task PutParts_to_unavailable_storage_throws_ObjectStoreException_naming_the_location()
    {
        var (store, location) = CreateUnavailableStore();
        var source = new PartSource(RandomBytes(3 * 1024, seed: 14), 1024);

        var ex = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutPartsAsync("k/parts", source.Parts()));

        Assert.IsNotType<ObjectStorePreconditionFailedException>(ex);
        Assert.Contains(location, ex.Message);
        Assert.Contains("'k/parts'", ex.Message);
        Assert.Equal(source.Pulled, source.Released);
    }
}
