using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Storage.Tests.GrainState;

[Trait("Category", "Unit")]
public sealed class FileGrainStorageTests : GrainStorageContractTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("grainflow-grainstate-").FullName;

    protected override IObjectStore CreateStore() => new FileSystemObjectStore(_root);

    protected override IObjectStore CreateUnavailableStore()
    {
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "not a directory");
        return new FileSystemObjectStore(Path.Combine(file, "sub"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
