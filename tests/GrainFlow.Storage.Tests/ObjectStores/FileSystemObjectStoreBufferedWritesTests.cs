using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Storage.Tests.ObjectStores;

/// <summary>
/// The object store contract with direct I/O turned off: the path every platform without it, and
/// every file system that refuses it, takes for multi-part puts.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FileSystemObjectStoreBufferedWritesTests : ObjectStoreContractTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("grainflow-fs-buffered-").FullName;

    protected override IObjectStore CreateStore() => new FileSystemObjectStore(_root, directIo: false);

    protected override IObjectStore CreateStoreInFolder(IObjectStore sibling, string keyPrefix) =>
        new FileSystemObjectStore(((FileSystemObjectStore)sibling).RootDirectory, keyPrefix, directIo: false);

    protected override (IObjectStore Store, string ExpectedLocation) CreateUnavailableStore()
    {
        var file = Path.Combine(_root, "a-regular-file");
        File.WriteAllText(file, "not a directory");
        var root = Path.Combine(file, "sub");
        return (new FileSystemObjectStore(root, directIo: false), root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
