using GrainFlow.Hosting;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using Orleans.Hosting;

namespace GrainFlow.Storage.Tests.GrainState;

[Trait("Category", "Cluster")]
public sealed class FileGrainStorageClusterTests : GrainStorageClusterTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("grainflow-cluster-state-").FullName;

    protected override void AddStore(ISiloBuilder silo) =>
        silo.AddFileGrainStorage("store", options => options.RootDirectory = _root);

    protected override IObjectStore BackingStore => new FileSystemObjectStore(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
