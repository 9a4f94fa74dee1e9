using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State.RocksDb;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>
/// Putting a state file that is on this machine into a restoring instance's directory: an SST file is linked (deleting the
/// link, as RocksDB does after a compaction, leaves the source), the files RocksDB writes to are copied (appending to the copy
/// leaves the source), and either way the result is the size and checksum of what the instance now holds.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LocalStateFileTransferTests : IDisposable
{
    private static readonly byte[] Bytes = Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7)).ToArray();
    private readonly TemporaryDirectory _temp = new("grainflow-local-transfer-tests");

    [Fact]
    public async Task AnSstFileIsLinkedChecksummedAndDeletingTheLinkLeavesTheSource()
    {
        var source = Source("000012.sst");
        var target = _temp.Combine("000012-restored.sst");

        var placed = await Place(source, target, "000012.sst", Bytes.Length);

        Assert.Equal((Bytes.LongLength, StateChecksum.Compute(StateChecksum.Current, Bytes)), placed);
        File.Delete(target);
        Assert.Equal(Bytes, File.ReadAllBytes(source));
    }

    [Theory]
    [InlineData("MANIFEST-000005")]
    [InlineData("CURRENT")]
    [InlineData("OPTIONS-000007")]
    public async Task AFileRocksDbWritesToIsCopiedSoThatWritingToItLeavesTheSource(string name)
    {
        var source = Source(name);
        var target = _temp.Combine(name + "-restored");

        var placed = await Place(source, target, name, Bytes.Length);

        Assert.Equal((Bytes.LongLength, StateChecksum.Compute(StateChecksum.Current, Bytes)), placed);
        await File.AppendAllTextAsync(target, "appended");
        Assert.Equal(Bytes, File.ReadAllBytes(source));
    }

    [Fact]
    public async Task AFileOfAnotherSizeIsReportedWithoutPlacingItAndAMissingOneIsNull()
    {
        var source = Source("000013.sst");
        var target = _temp.Combine("000013-restored.sst");

        Assert.Equal(Bytes.LongLength, (await Place(source, target, "000013.sst", Bytes.Length + 1))!.Value.Size);
        Assert.False(File.Exists(target));
        Assert.Null(await Place(_temp.Combine("absent.sst"), target, "absent.sst", Bytes.Length));
    }

    private static Task<(long Size, ulong Checksum)?> Place(string source, string target, string name, long size) =>
        LocalStateFileTransfer.PlaceAsync(source, target, name, size, StateChecksum.Current, CancellationToken.None);

    private string Source(string name)
    {
        var path = _temp.Combine("source-" + name);
        File.WriteAllBytes(path, Bytes);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}
