using System.Text;
using GrainFlow.Storage;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> must have. Each backend runs the same tests through a
/// small subclass; xunit creates a new instance (and so a fresh, empty store) for every test.
/// </summary>
public abstract partial class ObjectStoreContractTests
{
    /// <summary>A new, empty store.</summary>
    protected abstract IObjectStore CreateStore();

    /// <summary>A store sharing the storage of <see cref="CreateStore"/>'s stores, restricted to a folder.</summary>
    protected abstract IObjectStore CreateStoreInFolder(IObjectStore sibling, string keyPrefix);

    /// <summary>A store whose storage cannot be written (missing, unreachable), and text its errors must contain.</summary>
    protected abstract (IObjectStore Store, string ExpectedLocation) CreateUnavailableStore();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task Put_then_get_returns_the_same_bytes_and_etag()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("a/b/c.bin", Bytes("hello"));

        var stored = await store.GetAsync("a/b/c.bin");

        Assert.NotNull(stored);
        Assert.Equal("hello", Encoding.UTF8.GetString(stored.Data));
        Assert.Equal(etag, stored.ETag);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task Put_of_an_empty_object_round_trips()
    {
        var store = CreateStore();
        await store.PutAsync("empty", ReadOnlyMemory<byte>.Empty);

        var stored = await store.GetAsync("empty");
        var info = await store.GetInfoAsync("empty");

        Assert.NotNull(stored);
        Assert.Empty(stored.Data);
        Assert.Equal(0, info!.Size);
    }

    [Fact]
    public async Task Put_overwrites_and_changes_the_etag()
    {
        var store = CreateStore();
        var first = await store.PutAsync("k", Bytes("one"));
        var second = await store.PutAsync("k", Bytes("two"));

        var stored = await store.GetAsync("k");

        Assert.Equal("two", Encoding.UTF8.GetString(stored!.Data));
        Assert.NotEqual(first, second);
        Assert.Equal(second, stored.ETag);
    }

    [Fact]
    public async Task Large_put_round_trips_through_block_upload()
    {
        var store = CreateStore();
        var data = RandomBytes(20 * 1024 * 1024 + 123, seed: 1);

        var etag = await store.PutAsync("big/blob.bin", data);
        var stored = await store.GetAsync("big/blob.bin");

        Assert.Equal(etag, stored!.ETag);
        Assert.True(data.AsSpan().SequenceEqual(stored.Data), "the large object came back different");
    }

    [Fact]
    public async Task Reading_a_missing_object_returns_null_everywhere()
    {
        var store = CreateStore();
        await store.PutAsync("present/x", Bytes("x"));

        Assert.Null(await store.GetAsync("missing"));
        Assert.Null(await store.GetAsync("present/y"));
        Assert.Null(await store.ReadRangeAsync("missing", 0, 10));
        Assert.Null(await store.OpenReadAsync("missing"));
        Assert.Null(await store.GetInfoAsync("missing"));
        Assert.Null(await store.GetInfoAsync("present")); // a "folder" is not an object
    }

    [Fact]
    public async Task IfNotExists_creates_a_missing_object()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("once", Bytes("first"), WriteCondition.IfNotExists);

        var stored = await store.GetAsync("once");
        Assert.Equal(etag, stored!.ETag);
        Assert.Equal("first", Encoding.UTF8.GetString(stored.Data));
    }

    [Fact]
    public async Task IfNotExists_fails_when_the_object_exists_and_leaves_it_unchanged()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("once", Bytes("first"));

        var ex = await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(
            () => store.PutAsync("once", Bytes("second"), WriteCondition.IfNotExists));

        Assert.Equal("once", ex.Key);
        var stored = await store.GetAsync("once");
        Assert.Equal("first", Encoding.UTF8.GetString(stored!.Data));
        Assert.Equal(etag, stored.ETag);
    }

    [Fact]
    public async Task IfNotExists_lets_exactly_one_of_racing_writers_win()
    {
        var store = CreateStore();
        var other = CreateStoreInFolder(store, "race");
        var same = CreateStoreInFolder(store, "race");
        const int writers = 8;

        var attempts = Enumerable.Range(0, writers).Select(async i =>
        {
            // Alternate between two store instances over the same storage, as two processes would.
            var target = i % 2 == 0 ? other : same;
            await Task.Yield();
            try
            {
                await target.PutAsync("_metadata", Bytes($"writer-{i}"), WriteCondition.IfNotExists);
                return (Writer: i, Won: true);
            }
            catch (ObjectStorePreconditionFailedException)
            {
                return (Writer: i, Won: false);
            }
        }).ToArray();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.Won).ToList();
        Assert.Single(winners);
        var stored = await other.GetAsync("_metadata");
        Assert.Equal($"writer-{winners[0].Writer}", Encoding.UTF8.GetString(stored!.Data));
    }

    [Fact]
    public async Task IfMatch_with_the_current_etag_replaces_the_object()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("state", Bytes("v1"));

        var newEtag = await store.PutAsync("state", Bytes("v2"), WriteCondition.IfMatch(etag));

        var stored = await store.GetAsync("state");
        Assert.Equal("v2", Encoding.UTF8.GetString(stored!.Data));
        Assert.Equal(newEtag, stored.ETag);
    }

    [Fact]
    public async Task IfMatch_with_a_stale_etag_fails_and_keeps_the_newer_object()
    {
        var store = CreateStore();
        var stale = await store.PutAsync("state", Bytes("v1"));
        var current = await store.PutAsync("state", Bytes("v2")); // same length, written within the same clock tick

        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(
            () => store.PutAsync("state", Bytes("v3"), WriteCondition.IfMatch(stale)));

        var stored = await store.GetAsync("state");
        Assert.Equal("v2", Encoding.UTF8.GetString(stored!.Data));
        Assert.Equal(current, stored.ETag);
    }

    [Fact]
    public async Task IfMatch_on_a_missing_object_fails()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("gone", Bytes("v1"));
        await store.DeleteAsync("gone");

        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(
            () => store.PutAsync("gone", Bytes("v2"), WriteCondition.IfMatch(etag)));
        Assert.Null(await store.GetAsync("gone"));
    }

    [Fact]
    public async Task Delete_returns_whether_the_object_existed()
    {
        var store = CreateStore();
        await store.PutAsync("d/x", Bytes("x"));

        Assert.True(await store.DeleteAsync("d/x"));
        Assert.Null(await store.GetAsync("d/x"));
        Assert.False(await store.DeleteAsync("d/x"));
        Assert.False(await store.DeleteAsync("never/was"));
    }

    [Fact]
    public async Task Delete_with_the_current_etag_deletes()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("d", Bytes("x"));

        Assert.True(await store.DeleteAsync("d", ifMatch: etag));
        Assert.Null(await store.GetAsync("d"));
    }

    [Fact]
    public async Task Delete_with_a_stale_etag_fails_and_keeps_the_object()
    {
        var store = CreateStore();
        var stale = await store.PutAsync("d", Bytes("v1"));
        await store.PutAsync("d", Bytes("v2"));

        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(() => store.DeleteAsync("d", ifMatch: stale));
        Assert.Equal("v2", Encoding.UTF8.GetString((await store.GetAsync("d"))!.Data));
    }

    [Fact]
    public async Task Delete_with_the_etag_of_an_object_already_gone_fails_like_a_conditional_put()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("d", Bytes("x"));
        await store.DeleteAsync("d");

        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(() => store.DeleteAsync("d", ifMatch: etag));
        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(() => store.DeleteAsync("never-existed", ifMatch: etag));
    }

    [Fact]
    public async Task ReadRange_returns_the_requested_bytes_and_fewer_at_the_end()
    {
        var store = CreateStore();
        await store.PutAsync("r", Bytes("0123456789"));

        Assert.Equal("234", Encoding.UTF8.GetString((await store.ReadRangeAsync("r", 2, 3))!));
        Assert.Equal("0123456789", Encoding.UTF8.GetString((await store.ReadRangeAsync("r", 0, 10))!));
        Assert.Equal("89", Encoding.UTF8.GetString((await store.ReadRangeAsync("r", 8, 100))!));
        Assert.Empty((await store.ReadRangeAsync("r", 10, 5))!);
        Assert.Empty((await store.ReadRangeAsync("r", 1000, 5))!);
        Assert.Empty((await store.ReadRangeAsync("r", 3, 0))!);
    }

    [Fact]
    public async Task ReadRange_rejects_negative_arguments()
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadRangeAsync("r", -1, 3));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadRangeAsync("r", 0, -3));
    }

    [Fact]
    public async Task OpenRead_streams_the_whole_object()
    {
        var store = CreateStore();
        var data = RandomBytes(3 * 1024 * 1024 + 7, seed: 2);
        await store.PutAsync("s/stream.bin", data);

        await using var stream = await store.OpenReadAsync("s/stream.bin");
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.True(data.AsSpan().SequenceEqual(copy.ToArray()), "the streamed bytes differ from the stored ones");
    }

    [Fact]
    public async Task Append_creates_the_object_and_grows_it_returning_the_lengths()
    {
        var store = CreateStore();

        Assert.Equal(3, await store.AppendAsync("log/segment-0", Bytes("abc")));
        Assert.Equal(5, await store.AppendAsync("log/segment-0", Bytes("de")));
        Assert.Equal(5, await store.AppendAsync("log/segment-0", ReadOnlyMemory<byte>.Empty));
        Assert.Equal(9, await store.AppendAsync("log/segment-0", Bytes("fghi")));

        Assert.Equal("abcdefghi", Encoding.UTF8.GetString((await store.GetAsync("log/segment-0"))!.Data));
        Assert.Equal(9, (await store.GetInfoAsync("log/segment-0"))!.Size);
        Assert.Equal("efg", Encoding.UTF8.GetString((await store.ReadRangeAsync("log/segment-0", 4, 3))!));
    }

    [Fact]
    public async Task Append_larger_than_one_block_keeps_all_bytes_in_order()
    {
        var store = CreateStore();
        var first = RandomBytes(100, seed: 3);
        var big = RandomBytes(9 * 1024 * 1024 + 5, seed: 4); // more than two 4 MiB append blocks

        await store.AppendAsync("log/big", first);
        var length = await store.AppendAsync("log/big", big);

        Assert.Equal(first.Length + big.Length, length);
        var stored = await store.GetAsync("log/big");
        Assert.True(first.Concat(big).ToArray().AsSpan().SequenceEqual(stored!.Data), "appended bytes came back different");
    }

    [Fact]
    public async Task Concurrent_appends_from_one_process_all_land_whole()
    {
        var store = CreateStore();
        var records = Enumerable.Range(0, 20).Select(i => Bytes($"[record-{i:D2}]")).ToArray();

        await Task.WhenAll(records.Select(r => store.AppendAsync("log/concurrent", r)));

        var text = Encoding.UTF8.GetString((await store.GetAsync("log/concurrent"))!.Data);
        Assert.Equal(records.Sum(r => r.Length), text.Length);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.Contains($"[record-{i:D2}]", text);
        }
    }

    [Fact]
    public async Task GetInfo_reports_size_etag_and_a_recent_modification_time()
    {
        var store = CreateStore();
        var before = DateTimeOffset.UtcNow.AddMinutes(-2);
        var etag = await store.PutAsync("info/x", Bytes("12345"));

        var info = await store.GetInfoAsync("info/x");

        Assert.NotNull(info);
        Assert.Equal("info/x", info.Key);
        Assert.Equal(5, info.Size);
        Assert.Equal(etag, info.ETag);
        Assert.InRange(info.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(2));
    }

    [Fact]
    public async Task List_returns_only_keys_under_the_prefix_in_ordinal_order()
    {
        var store = CreateStore();
        string[] inside = ["p/b.bin", "p/a.bin", "p/A.bin", "p/a/x.bin", "p/a-1.bin"];
        string[] outside = ["p2/x.bin", "q/y.bin", "pp.bin"];
        var etags = new Dictionary<string, string>();
        foreach (var key in inside.Concat(outside))
        {
            etags[key] = await store.PutAsync(key, Bytes(key));
        }

        var listed = await ToListAsync(store.ListAsync("p/"));

        // Ordinal: 'A' < 'a', and '-' < '.' < '/'; a directory walk would put "p/a/x.bin" elsewhere.
        Assert.Equal(["p/A.bin", "p/a-1.bin", "p/a.bin", "p/a/x.bin", "p/b.bin"], listed.Select(i => i.Key).ToArray());
        Assert.All(listed, info =>
        {
            Assert.Equal(Bytes(info.Key).Length, info.Size);
            Assert.Equal(etags[info.Key], info.ETag);
        });
    }

    [Fact]
    public async Task List_prefix_may_end_inside_a_name()
    {
        var store = CreateStore();
        foreach (var key in new[] { "p/a.bin", "p/a/x.bin", "p/a-1.bin", "p/A.bin", "p/b.bin", "p2/x.bin" })
        {
            await store.PutAsync(key, Bytes(key));
        }

        Assert.Equal(["p/a-1.bin", "p/a.bin", "p/a/x.bin"], (await ToListAsync(store.ListAsync("p/a"))).Select(i => i.Key).ToArray());
        Assert.Equal(["p/A.bin", "p/a-1.bin", "p/a.bin", "p/a/x.bin", "p/b.bin", "p2/x.bin"], (await ToListAsync(store.ListAsync("p"))).Select(i => i.Key).ToArray());
        Assert.Equal(6, (await ToListAsync(store.ListAsync(""))).Count);
        Assert.Empty(await ToListAsync(store.ListAsync("nothing/")));
    }

    [Fact]
    public async Task DeletePrefix_removes_everything_below_the_prefix_and_nothing_else()
    {
        var store = CreateStore();
        foreach (var key in new[] { "job/chk-1/a", "job/chk-1/b/c", "job/chk-1/_metadata", "job/chk-10/a", "job/chk-2/a" })
        {
            await store.PutAsync(key, Bytes(key));
        }

        await store.AppendAsync("job/chk-1/log", Bytes("appended"));

        var deleted = await store.DeletePrefixAsync("job/chk-1/");

        Assert.Equal(4, deleted);
        Assert.Empty(await ToListAsync(store.ListAsync("job/chk-1/")));
        Assert.Equal(["job/chk-10/a", "job/chk-2/a"], (await ToListAsync(store.ListAsync(""))).Select(i => i.Key).ToArray());
        Assert.Equal(0, await store.DeletePrefixAsync("job/chk-1/"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/abs/key", "leading '/'")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a/", "end with '/'")]
    [InlineData("a/../b", "'..'")]
    [InlineData("..", "'..'")]
    [InlineData("./a", "'.'")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("a/.gftmp-123", "reserved")]
    [InlineData("bad\u0001char", "control")]
    public async Task Invalid_keys_are_rejected_with_the_key_and_the_rule(string key, string rule)
    {
        var store = CreateStore();

        var put = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, Bytes("x")));
        Assert.Contains($"'{key}'", put.Message);
        Assert.Contains(rule, put.Message);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(key, Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetInfoAsync(key));
    }

    [Theory]
    [InlineData("/abs/")]
    [InlineData("a/../")]
    [InlineData("a\\b")]
    public async Task Invalid_prefixes_are_rejected(string prefix)
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => ToListAsync(store.ListAsync(prefix)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeletePrefixAsync(prefix));
    }

    [Fact]
    public async Task Stores_in_different_folders_of_the_same_storage_do_not_see_each_other()
    {
        var root = CreateStore();
        var tenantA = CreateStoreInFolder(root, "tenant-a");
        var tenantB = CreateStoreInFolder(root, "tenant-b/nested");

        await tenantA.PutAsync("state/x", Bytes("a"));
        await tenantB.PutAsync("state/x", Bytes("b"));

        Assert.Equal("a", Encoding.UTF8.GetString((await tenantA.GetAsync("state/x"))!.Data));
        Assert.Equal("b", Encoding.UTF8.GetString((await tenantB.GetAsync("state/x"))!.Data));
        Assert.Equal(["state/x"], (await ToListAsync(tenantA.ListAsync(""))).Select(i => i.Key).ToArray());
        Assert.Equal(["tenant-a/state/x", "tenant-b/nested/state/x"], (await ToListAsync(root.ListAsync(""))).Select(i => i.Key).ToArray());
        Assert.EndsWith("tenant-b/nested", tenantB.Location);

        Assert.Equal(1, await tenantA.DeletePrefixAsync(""));
        Assert.NotNull(await tenantB.GetAsync("state/x"));
    }

    [Fact]
    public async Task Writes_to_unavailable_storage_throw_ObjectStoreException_naming_the_location()
    {
        var (store, location) = CreateUnavailableStore();

        var put = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("k/x", Bytes("x")));
        var append = await Assert.ThrowsAsync<ObjectStoreException>(() => store.AppendAsync("k/log", Bytes("x")));

        Assert.IsNotType<ObjectStorePreconditionFailedException>(put);
        foreach (var ex in new[] { put, append })
        {
            Assert.Contains(location, ex.Message);
            Assert.Contains("'k/", ex.Message);
        }
    }

    protected static async Task<List<ObjectInfo>> ToListAsync(IAsyncEnumerable<ObjectInfo> source)
    {
        var list = new List<ObjectInfo>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
