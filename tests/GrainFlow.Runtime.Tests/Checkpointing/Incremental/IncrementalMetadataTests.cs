using System.Text;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>
/// <c>_metadata</c> version 4: an incremental handle round-trips; version 3 metadata still reads; a path that points
/// anywhere but a GrainFlow-named file in a job's <c>shared/</c> or the snapshot's own directory is refused when read.
/// </summary>
[Trait("Category", "Unit")]
public sealed class IncrementalMetadataTests
{
    private const string Job = "0123456789abcdef0123456789abcdef";
    private static readonly Guid Backend = Guid.Parse("00112233445566778899aabbccddeeff");
    private static readonly KeyGroupRange Range = new(0, 127);

    private static string Name(string local) => CheckpointLayout.IncrementalFileName("count", Range, Backend, 7, local);

    private static IncrementalKeyedStateHandle Handle(string? sharedPath = null, string? privatePath = null, string local = "000012.sst") =>
        new(Backend.ToString("N"), 7,
            [new HandleAndLocalPath(local, sharedPath ?? $"{Job}/shared/{Name("000012.sst")}", 1234, 42)],
            [new HandleAndLocalPath("MANIFEST-000013", privatePath ?? Name("MANIFEST-000013"), 56, 43)],
            StateChecksum.Xxh3);

    private static CheckpointMetadata Metadata(IncrementalKeyedStateHandle handle, bool isSavepoint = false, int? version = null)
    {
        var metadata = CheckpointMetadata.Create(Job, "keyed-count", 7, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, isSavepoint, 128,
            [new VertexStateMetadata("count", 1, [new SubtaskSnapshot("count", 0, [new OperatorSnapshot("count", Range, null, null, IncrementalState: handle)],
                TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)])], null);
        return version is { } v ? metadata with { Version = v } : metadata;
    }

    [Fact]
    public void AnIncrementalHandleRoundTripsInVersion4Metadata()
    {
        var read = CheckpointMetadata.FromBytes(Metadata(Handle()).ToBytes(), "/checkpoints/job/chk-7");

        Assert.Equal(4, read.Version);
        var handle = read.OperatorSnapshots("count").Single().IncrementalState!;
        Assert.Equal(Handle().SharedState, handle.SharedState);
        Assert.Equal(Handle().PrivateState, handle.PrivateState);
        Assert.Equal(Backend.ToString("N"), handle.BackendIdentifier);
        Assert.Equal([$"{Job}/shared/{Name("000012.sst")}"], IncrementalStateReferences.SharedPaths(read));
        Assert.Equal([Name("MANIFEST-000013")], IncrementalStateReferences.PrivatePaths(read));
        Assert.Equal(1234 + 56, read.Vertices.Single().Subtasks.Single().StateSize);
    }

    [Fact]
    public void Version3MetadataStillReadsAndHasNoIncrementalState()
    {
        var version3 = CheckpointMetadata.Create(Job, "keyed-count", 7, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false, 128,
            [new VertexStateMetadata("count", 1, [new SubtaskSnapshot("count", 0,
                [new OperatorSnapshot("count", Range, new StateHandle("count-0-a.state", null, 0, 40, 7, new Dictionary<int, long>(), "xxh3"), null)],
                TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)])], null) with { Version = 3 };
        var text = Encoding.UTF8.GetString(version3.ToBytes());
        Assert.DoesNotContain("incrementalState", text);

        var read = CheckpointMetadata.FromBytes(version3.ToBytes(), "/checkpoints/job/chk-7");

        Assert.Equal(3, read.Version);
        Assert.Null(read.OperatorSnapshots("count").Single().IncrementalState);
        Assert.Equal("count-0-a.state", read.OperatorSnapshots("count").Single().State!.RelativePath);
    }

    [Theory]
    [InlineData("../0123456789abcdef0123456789abcdef/shared/x", "contains a '.', '..' or empty segment")]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("shared/count-0-127-00112233445566778899aabbccddeeff-7-000012.sst", "is not '<job id>/shared/<file name>'")]
    [InlineData("0123456789abcdef0123456789abcdef/chk-7/count-0-127-00112233445566778899aabbccddeeff-7-000012.sst", "is not '<job id>/shared/<file name>'")]
    [InlineData("not-a-job-id-at-all-000000000000/shared/count-0-127-00112233445566778899aabbccddeeff-7-000012.sst", "does not start with a job id")]
    [InlineData("0123456789abcdef0123456789abcdef/shared/notes.txt", "is not a file name GrainFlow gives to shared state")]
    public void ASharedPathOutsideAJobsSharedDirectoryIsRefusedWhenTheMetadataIsRead(string path, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => CheckpointMetadata.FromBytes(Metadata(Handle(sharedPath: path)).ToBytes(), "/checkpoints/job/chk-7"));

        Assert.StartsWith("'/checkpoints/job/chk-7/_metadata' is damaged or was edited: the incremental state of operator 'count' of subtask count/0 refers to the shared state file", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("../chk-6/count-0-127-00112233445566778899aabbccddeeff-7-MANIFEST-000013")]
    [InlineData("sub/count-0-127-00112233445566778899aabbccddeeff-7-MANIFEST-000013")]
    [InlineData("_metadata")]
    [InlineData("user-notes.txt")]
    public void APrivatePathThatIsNotAGrainFlowNameInTheSnapshotsDirectoryIsRefused(string path)
    {
        var error = Assert.Throws<InvalidDataException>(() => CheckpointMetadata.FromBytes(Metadata(Handle(privatePath: path)).ToBytes(), "/checkpoints/job/chk-7"));

        Assert.Contains("refers to the private state file", error.Message);
    }

    [Theory]
    [InlineData("../../.bashrc")]
    [InlineData("/tmp/x.sst")]
    [InlineData("a/b.sst")]
    public void ALocalFileNameARestoreWouldWriteOutsideItsDirectoryIsRefused(string local)
    {
        var error = Assert.Throws<InvalidDataException>(() => CheckpointMetadata.FromBytes(Metadata(Handle(local: local)).ToBytes(), "/checkpoints/job/chk-7"));

        Assert.Contains($"names the local file '{local}'", error.Message);
    }

    [Fact]
    public void ASavepointReferencingSharedFilesIsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => CheckpointMetadata.FromBytes(Metadata(Handle(), isSavepoint: true).ToBytes(), "/savepoints/savepoint-0123ab-000000000000"));

        Assert.Contains("references shared files, but a savepoint holds all its files itself", error.Message);
    }

    [Fact]
    public async Task AHeapRestoreOfIncrementalStateIsRefusedRatherThanStartingEmpty()
    {
        using var temp = new GrainFlow.Testing.Cluster.TemporaryDirectory("grainflow-incremental-restore");
        var store = new GrainFlow.Storage.FileSystem.FileSystemObjectStore(temp.Path);
        await store.PutAsync("chk-7/_metadata", Metadata(Handle()).ToBytes());
        var codecs = new StateCodecs(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(new Microsoft.Extensions.DependencyInjection.ServiceCollection()));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SubtaskStateRestorer.LoadAsync(CheckpointStorage.OnStore(store), "chk-7/", "/checkpoints/job/chk-7",
            [("count", true)], 0, 1, Range, codecs, GrainFlow.Configuration.GrainFlowConfiguration.Empty, null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            CancellationToken.None));

        Assert.Equal("The state of operator 'count' in '/checkpoints/job/chk-7' is an incremental snapshot of the RocksDB state backend, which restores only into "
            + "state.backend.type=rocksdb; to move the job to another backend, take a canonical savepoint.", error.Message);
    }
}
