using System.Text;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>The object store contract on a temporary directory, plus what is particular to files.</summary>
[Trait("Category", "Unit")]
public sealed class FileSystemObjectStoreTests : ObjectStoreContractTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("grainflow-fs-store-").FullName;

    protected override IObjectStore CreateStore() => new FileSystemObjectStore(_root);

    protected override IObjectStore CreateStoreInFolder(IObjectStore sibling, string keyPrefix) =>
        new FileSystemObjectStore(((FileSystemObjectStore)sibling).RootDirectory, keyPrefix);

    protected override (IObjectStore Store, string ExpectedLocation) CreateUnavailableStore()
    {
        // Running as root, permissions stop nothing; a path below a regular file can never be a directory.
        var file = Path.Combine(_root, "a-regular-file");
        File.WriteAllText(file, "not a directory");
        var root = Path.Combine(file, "sub");
        return (new FileSystemObjectStore(root), root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_root_that_cannot_be_created_gives_a_clear_error_naming_root_key_and_remedy()
    {
        var (store, root) = CreateUnavailableStore();

        var ex = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("grainstate/x.json", Encoding.UTF8.GetBytes("{}")));

        Assert.Contains(root, ex.Message);
        Assert.Contains("'grainstate/x.json'", ex.Message);
        Assert.Contains("writable directory", ex.Message);
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
        Assert.Null(await store.GetAsync("grainstate/x.json"));
    }

    [Fact]
    public async Task Objects_are_plain_files_below_the_root()
    {
        var store = CreateStore();
        await store.PutAsync("checkpoints/job-1/chk-1/_metadata", Encoding.UTF8.GetBytes("meta"));

        var path = Path.Combine(_root, "checkpoints", "job-1", "chk-1", "_metadata");
        Assert.Equal("meta", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Put_leaves_no_temporary_files_behind()
    {
        var store = CreateStore();
        await store.PutAsync("t/x", Encoding.UTF8.GetBytes("1"));
        await store.PutAsync("t/x", Encoding.UTF8.GetBytes("2"), WriteCondition.IfMatch((await store.GetAsync("t/x"))!.ETag));
        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(() => store.PutAsync("t/x", Encoding.UTF8.GetBytes("3"), WriteCondition.IfNotExists));

        Assert.Equal(["x"], Directory.GetFileSystemEntries(Path.Combine(_root, "t")).Select(path => Path.GetFileName(path)).ToArray<string>());
    }

    [Fact]
    public async Task Leftover_temporary_files_are_never_listed_and_DeletePrefix_removes_them()
    {
        var store = CreateStore();
        await store.PutAsync("job/chk-1/a", Encoding.UTF8.GetBytes("a"));
        var leftover = Path.Combine(_root, "job", "chk-1", ObjectKeys.ReservedSegmentPrefix + "crashed-writer");
        await File.WriteAllTextAsync(leftover, "half a file");

        var listed = await ToListAsync(store.ListAsync(""));
        Assert.Equal(["job/chk-1/a"], listed.Select(i => i.Key).ToArray());

        Assert.Equal(1, await store.DeletePrefixAsync("job/chk-1/"));
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public async Task DeletePrefix_removes_the_directories_it_emptied_but_not_the_root()
    {
        var store = CreateStore();
        await store.PutAsync("jobs/job-1/chk-1/a/b/c", Encoding.UTF8.GetBytes("x"));
        await store.PutAsync("jobs/job-1/chk-1/d", Encoding.UTF8.GetBytes("x"));
        await store.PutAsync("jobs/job-2/chk-1/a", Encoding.UTF8.GetBytes("x"));

        await store.DeletePrefixAsync("jobs/job-1/");

        Assert.False(Directory.Exists(Path.Combine(_root, "jobs", "job-1")));
        Assert.True(File.Exists(Path.Combine(_root, "jobs", "job-2", "chk-1", "a")));

        await store.DeletePrefixAsync("");
        Assert.True(Directory.Exists(_root));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task A_new_store_instance_computes_the_same_etag_from_the_content()
    {
        var etag = await CreateStore().PutAsync("e/x", Encoding.UTF8.GetBytes("content"));

        var reopened = new FileSystemObjectStore(_root);

        Assert.Equal(etag, (await reopened.GetInfoAsync("e/x"))!.ETag);
        Assert.Equal(etag, (await reopened.GetAsync("e/x"))!.ETag);
        await reopened.PutAsync("e/x", Encoding.UTF8.GetBytes("changed"), WriteCondition.IfMatch(etag));
    }

    [Fact]
    public async Task A_change_made_behind_the_stores_back_changes_the_etag()
    {
        var store = CreateStore();
        var etag = await store.PutAsync("e/x", Encoding.UTF8.GetBytes("aaaa"));
        Assert.Equal(etag, (await store.GetInfoAsync("e/x"))!.ETag);

        // Same length, same second: only the content tells the versions apart.
        await File.WriteAllTextAsync(Path.Combine(_root, "e", "x"), "bbbb");

        Assert.NotEqual(etag, (await store.GetInfoAsync("e/x"))!.ETag);
        await Assert.ThrowsAsync<ObjectStorePreconditionFailedException>(
            () => store.PutAsync("e/x", Encoding.UTF8.GetBytes("cccc"), WriteCondition.IfMatch(etag)));
    }

    [Fact]
    public async Task A_relative_root_is_resolved_against_the_working_directory()
    {
        var store = new FileSystemObjectStore("relative-root-for-test");
        Assert.Equal(Path.GetFullPath("relative-root-for-test"), store.RootDirectory);
        Assert.Equal(store.RootDirectory, store.Location);
        Assert.Null(await store.GetAsync("nothing"));
    }

    [Fact]
    public void A_disk_full_error_from_the_OS_is_reported_as_out_of_disk_space()
    {
        // /dev/full fails every write with ENOSPC, exactly like a full volume.
        Assert.True(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "this test needs Linux's /dev/full");
        IOException? osError = null;
        try
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            full.Write(new byte[4096]);
            full.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            osError = ex;
        }

        Assert.NotNull(osError);
        var mapped = FileSystemErrors.ToObjectStoreException(osError, "write", "topics/t/0", "/data/store");

        Assert.Contains("out of disk space", mapped.Message);
        Assert.Contains("'topics/t/0'", mapped.Message);
        Assert.Contains("/data/store", mapped.Message);
        Assert.Contains("Free space", mapped.Message);
        Assert.Same(osError, mapped.InnerException);
    }

    [Fact]
    public void A_permission_error_is_reported_with_what_to_do()
    {
        var denied = new UnauthorizedAccessException("Access to the path '/data/store/x' is denied.");

        var mapped = FileSystemErrors.ToObjectStoreException(denied, "write", "x", "/data/store");

        Assert.Contains("Access was denied", mapped.Message);
        Assert.Contains("'x'", mapped.Message);
        Assert.Contains("permission", mapped.Message);
    }

    [Fact]
    public async Task Writing_a_key_whose_folder_is_an_object_fails_with_ObjectStoreException()
    {
        var store = CreateStore();
        await store.PutAsync("a", Encoding.UTF8.GetBytes("file"));

        var ex = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("a/b", Encoding.UTF8.GetBytes("x")));

        Assert.Contains("'a/b'", ex.Message);
        Assert.Equal("file", Encoding.UTF8.GetString((await store.GetAsync("a"))!.Data));
    }

    [Fact]
    public async Task A_failed_PutParts_leaves_no_temporary_file_behind()
    {
        var store = CreateStore();

        async IAsyncEnumerable<ObjectPart> FailingParts()
        {
            yield return new ObjectPart(new byte[4096]);
            await Task.Yield();
            throw new InvalidOperationException("producer failed");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutPartsAsync("dir/object", FailingParts()));

        Assert.Empty(Directory.Exists(Path.Combine(_root, "dir")) ? Directory.GetFiles(Path.Combine(_root, "dir")) : []);
    }
}
