using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.State;
using GrainFlow.Storage;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>
/// The streamed snapshot file: state serialized one key group at a time into parts, read back in
/// ranged chunks, per key group, checked against the checksum.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StreamedSnapshotTests : IDisposable
{
    private const int MaxParallelism = 128;
    private static readonly KeyGroupRange All = new(0, MaxParallelism - 1);
    private readonly TemporaryDirectory _temp = new("grainflow-streamed-snapshot");
    private readonly StateCodecs _codecs = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    public void Dispose() => _temp.Dispose();

    /// <summary>Where native snapshots would go; these tests capture tables only.</summary>
    private static IncrementalSnapshotTarget NativeTarget(IObjectStore store) => IncrementalSnapshotTarget.ForCheckpoint(CheckpointStorage.OnStore(store), new JobId("streamed"), 1);

    private static (StateTable<long, long> Counts, StateTable<long, string> Names) Tables(int keys)
    {
        var counts = new StateTable<long, long>("count", 0, MaxParallelism);
        var names = new StateTable<long, string>("name", 0, MaxParallelism);
        for (long key = 0; key < keys; key++)
        {
            var group = KeyGroupAssignment.KeyGroupFor(key, MaxParallelism);
            counts.Set(group, key, key * 3);
            if (key % 3 == 0) names.Set(group, key, $"name-{key}-{new string('x', (int)(key % 50))}");
        }
        return (counts, names);
    }

    [Fact]
    public async Task StateLargerThanSeveralPartsIsWrittenAsOneFileAndEachSubtaskReadsBackExactlyItsKeyGroups()
    {
        var store = new FileSystemObjectStore(_temp.Combine("store"));
        var (counts, names) = Tables(keys: 900_000); // ~16 MB of state: more than two parts of the largest size
        var captured = new List<CapturedOperatorState>
        {
            new("source", null, [], new Dictionary<string, long> { ["split-0"] = 42 }),
            new("count", All, [counts.CaptureUntypedSnapshot(), names.CaptureUntypedSnapshot()], null),
        };
        // Changes after the capture must not leak into the snapshot.
        counts.Set(KeyGroupAssignment.KeyGroupFor(7L, MaxParallelism), 7, -1);

        var directory = CheckpointLayout.CheckpointDirectory(new JobId("streamed"), 1);
        var snapshots = await SubtaskSnapshotWriter.WriteAsync(captured, store, directory, "count", 0, inlineThreshold: 20 * 1024, _codecs, NativeTarget(store), CancellationToken.None);

        var handle = snapshots[1].State!;
        Assert.Equal(StateChecksum.Current, handle.ChecksumAlgorithm);
        Assert.Null(snapshots[0].State);
        Assert.Equal(42, snapshots[0].SourceOffsets!["split-0"]);
        Assert.True(handle.Size > 2 * ObjectParts.DefaultPartBytes, $"only {handle.Size} bytes");
        var file = await store.GetInfoAsync(directory + handle.RelativePath);
        Assert.Equal(handle.Size, file!.Size);

        // Two subtasks of a rescaled job: each gets its half of the key groups and nothing else.
        var restoredCounts = new Dictionary<long, long>();
        var restoredNames = new Dictionary<long, string>();
        foreach (var half in new[] { new KeyGroupRange(0, 63), new KeyGroupRange(64, 127) })
        {
            var restored = await KeyedStateReader.ReadAsync(handle, store, directory, "test", half, _codecs, CancellationToken.None);
            Assert.All(restored.KeyGroups, g => Assert.True(half.Contains(g)));
            var countTable = new StateTable<long, long>("count", half.StartKeyGroup, half.Count);
            var nameTable = new StateTable<long, string>("name", half.StartKeyGroup, half.Count);
            restored.Restore(nameTable, half);
            restored.Restore(countTable, half);
            foreach (var (_, key, value) in countTable.Entries) Assert.True(restoredCounts.TryAdd(key, value));
            foreach (var (_, key, value) in nameTable.Entries) Assert.True(restoredNames.TryAdd(key, value));
            Assert.Empty(restored.KeyGroups); // let go once every table was restored
        }

        Assert.Equal(900_000, restoredCounts.Count);
        Assert.All(restoredCounts, e => Assert.Equal(e.Key * 3, e.Value));
        Assert.Equal(300_000, restoredNames.Count);
        Assert.Equal($"name-{300}-{new string('x', 0)}", restoredNames[300]);
    }

    [Fact]
    public async Task LengthsPatchedAcrossPartBoundariesAndChecksumsSurviveTinyParts()
    {
        var store = new FileSystemObjectStore(_temp.Combine("tiny"));
        var (counts, names) = Tables(keys: 2_000);
        var captured = new List<CapturedOperatorState>
        {
            new("both", All, [counts.CaptureUntypedSnapshot(), names.CaptureUntypedSnapshot()], null),
            new("names", All, [names.CaptureUntypedSnapshot()], null),
        };
        using var file = new SubtaskSnapshotFile(captured, _codecs, firstPartBytes: 13, largestPartBytes: 13);
        var parts = 0;

        async IAsyncEnumerable<ObjectPart> Counted()
        {
            await foreach (var part in file.Parts())
            {
                Assert.True(part.Data.Length <= 13);
                parts++;
                yield return part;
            }
        }

        await store.PutPartsAsync("tiny.state", Counted());
        var snapshots = file.Snapshots("tiny.state", null);

        Assert.True(parts > 1000, $"{parts} parts");
        var countTable = new StateTable<long, long>("count", 0, MaxParallelism);
        (await KeyedStateReader.ReadAsync(snapshots[0].State!, store, "", "tiny", All, _codecs, CancellationToken.None)).Restore(countTable, All);
        // The names of the first section are found by skipping the counts by their patched length.
        var nameTable = new StateTable<long, string>("name", 0, MaxParallelism);
        (await KeyedStateReader.ReadAsync(snapshots[0].State!, store, "", "tiny", All, _codecs, CancellationToken.None)).Restore(nameTable, All);
        var secondNames = new StateTable<long, string>("name", 0, MaxParallelism);
        (await KeyedStateReader.ReadAsync(snapshots[1].State!, store, "", "tiny", All, _codecs, CancellationToken.None)).Restore(secondNames, All);
        Assert.Equal(counts.Entries.OrderBy(e => e.Key), countTable.Entries.OrderBy(e => e.Key));
        Assert.Equal(names.Entries.OrderBy(e => e.Key), nameTable.Entries.OrderBy(e => e.Key));
        Assert.Equal(names.Entries.OrderBy(e => e.Key), secondNames.Entries.OrderBy(e => e.Key));
        Assert.Equal(snapshots[0].State!.Size, snapshots[1].State!.Offset);
    }

    [Fact]
    public async Task PartsStartSmallAndDoubleEveryFewPartsUpToTheLargestSizeSoTheFirstUploadStartsEarly()
    {
        var (counts, names) = Tables(keys: 20_000);
        var captured = new List<CapturedOperatorState> { new("both", All, [counts.CaptureUntypedSnapshot(), names.CaptureUntypedSnapshot()], null) };
        using var file = new SubtaskSnapshotFile(captured, _codecs, firstPartBytes: 4096, largestPartBytes: 32 * 1024);
        var lengths = new List<int>();
        await foreach (var part in file.Parts())
        {
            using (part) lengths.Add(part.Data.Length);
        }

        // Four parts of each size: a part twice as large as the one being written would not be ready in time.
        Assert.Equal([4096, 4096, 4096, 4096, 8192, 8192, 8192, 8192, 16384, 16384, 16384, 16384, 32768, 32768], lengths.Take(14));
        Assert.All(lengths.SkipLast(1).Skip(12), length => Assert.Equal(32 * 1024, length));
        Assert.Equal(file.Length, lengths.Sum(l => (long)l));
    }

    [Fact]
    public void KeyGroupsAreLetGoOnceEveryTableTookThemAndRestoringThemAgainFailsLoudly()
    {
        var (counts, names) = Tables(keys: 1_000);
        var (section, offsets) = KeyedStateFormat.Write([counts.CaptureUntypedSnapshot(), names.CaptureUntypedSnapshot()], All, _codecs);
        var restored = new RestoredKeyedState(section, offsets, _codecs);
        var low = new KeyGroupRange(0, 63);

        restored.Restore(new StateTable<long, long>("count", 0, 64), low);
        Assert.Equal(offsets.Count, restored.KeyGroups.Count); // "name" has not taken them yet
        restored.Restore(new StateTable<long, string>("name", 0, 64), low);

        Assert.All(restored.KeyGroups, g => Assert.False(low.Contains(g)));
        Assert.NotEmpty(restored.KeyGroups);
        var error = Assert.Throws<InvalidOperationException>(() => restored.Restore(new StateTable<long, long>("count", 0, 64), low));
        Assert.Contains("let go", error.Message);
        var high = new StateTable<long, long>("count", 64, 64);
        restored.Restore(high, new KeyGroupRange(64, 127));
        Assert.Equal(counts.Entries.Count(e => e.KeyGroup >= 64), high.Entries.Count());
    }

    [Fact]
    public async Task SmallStateGoesInlineAndReadsBackTheSame()
    {
        var store = new FileSystemObjectStore(_temp.Combine("inline"));
        var (counts, names) = Tables(keys: 300);
        var captured = new List<CapturedOperatorState> { new("count", All, [counts.CaptureUntypedSnapshot(), names.CaptureUntypedSnapshot()], null) };

        var snapshots = await SubtaskSnapshotWriter.WriteAsync(captured, store, "chk-1/", "count", 0, 20 * 1024, _codecs, NativeTarget(store), CancellationToken.None);

        var handle = snapshots[0].State!;
        Assert.Null(handle.RelativePath);
        Assert.Equal(handle.Size, handle.InlineData!.Length);
        Assert.Empty(await ToListAsync(store.ListAsync("")));
        var restored = await KeyedStateReader.ReadAsync(handle, store, "", "test", All, _codecs, CancellationToken.None);
        var table = new StateTable<long, long>("count", 0, MaxParallelism);
        restored.Restore(table, All);
        Assert.Equal(counts.Entries.OrderBy(e => e.Key), table.Entries.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task ADamagedStateFileIsRefusedNamingTheFile()
    {
        var store = new FileSystemObjectStore(_temp.Combine("damaged"));
        var (counts, _) = Tables(keys: 20_000);
        var captured = new List<CapturedOperatorState> { new("count", All, [counts.CaptureUntypedSnapshot()], null) };
        var directory = CheckpointLayout.CheckpointDirectory(new JobId("damaged"), 3);
        var handle = (await SubtaskSnapshotWriter.WriteAsync(captured, store, directory, "count", 0, 1024, _codecs, NativeTarget(store), CancellationToken.None))[0].State!;
        var path = Path.Combine(store.RootDirectory, directory, handle.RelativePath!);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => KeyedStateReader.ReadAsync(handle, store, directory, "chk-3", new KeyGroupRange(0, 3), _codecs, CancellationToken.None));

        Assert.Contains(handle.RelativePath!, error.Message);
        Assert.Contains("damaged", error.Message);
        File.Delete(path);
        var missing = await Assert.ThrowsAsync<InvalidDataException>(
            () => KeyedStateReader.ReadAsync(handle, store, directory, "chk-3", All, _codecs, CancellationToken.None));
        Assert.Contains("missing", missing.Message);
    }

    [Fact]
    public async Task StateFilesRecordXxh3AndFilesOfEarlierBuildsWithoutAnAlgorithmAreCheckedWithXxHash64()
    {
        var store = new FileSystemObjectStore(_temp.Combine("algorithms"));
        var (counts, _) = Tables(keys: 20_000);
        var captured = new List<CapturedOperatorState> { new("count", All, [counts.CaptureUntypedSnapshot()], null) };
        var handle = (await SubtaskSnapshotWriter.WriteAsync(captured, store, "chk-1/", "count", 0, 1024, _codecs, NativeTarget(store), CancellationToken.None))[0].State!;
        Assert.Equal("xxh3", handle.ChecksumAlgorithm);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(store.RootDirectory, "chk-1", handle.RelativePath!));
        Assert.Equal(System.IO.Hashing.XxHash3.HashToUInt64(bytes), handle.Checksum);

        // What an earlier build recorded for the same bytes: no algorithm, an XxHash64 checksum.
        var earlier = handle with { ChecksumAlgorithm = null, Checksum = System.IO.Hashing.XxHash64.HashToUInt64(bytes) };
        var table = new StateTable<long, long>("count", 0, MaxParallelism);
        (await KeyedStateReader.ReadAsync(earlier, store, "chk-1/", "chk-1", All, _codecs, CancellationToken.None)).Restore(table, All);
        Assert.Equal(counts.Entries.OrderBy(e => e.Key), table.Entries.OrderBy(e => e.Key));

        // The XXH3 value under the old (absent) algorithm name does not pass for XxHash64.
        var mislabelled = handle with { ChecksumAlgorithm = null };
        var damaged = await Assert.ThrowsAsync<InvalidDataException>(
            () => KeyedStateReader.ReadAsync(mislabelled, store, "chk-1/", "chk-1", All, _codecs, CancellationToken.None));
        Assert.Contains("damaged", damaged.Message);

        var unknown = handle with { ChecksumAlgorithm = "sha3-512" };
        var refused = await Assert.ThrowsAsync<InvalidDataException>(
            () => KeyedStateReader.ReadAsync(unknown, store, "chk-1/", "chk-1", All, _codecs, CancellationToken.None));
        Assert.Contains("'sha3-512'", refused.Message);
        Assert.Contains("xxh3", refused.Message);
    }

    [Fact]
    public async Task ByteArrayStateWrittenByTheOrleansCodecOfEarlierBuildsStillRestores()
    {
        // What builds before the built-in "bytes" codec wrote for a ValueState<byte[]>: one key group, two keys.
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<byte[]>>();
        var values = new Dictionary<long, byte[]> { [5] = [1, 2, 3], [9] = new byte[300] };
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(KeyedStateFormat.Magic);
        writer.Write(KeyedStateFormat.Version);
        writer.Write(1);
        writer.Write("payload");
        writer.Write("long|orleans:System.Byte[]");
        var offsets = new Dictionary<int, long>();
        foreach (var group in values.GroupBy(v => KeyGroupAssignment.KeyGroupFor(v.Key, MaxParallelism)).OrderBy(g => g.Key))
        {
            var entries = new MemoryStream();
            var entryWriter = new BinaryWriter(entries);
            foreach (var (key, value) in group)
            {
                entryWriter.Write(key);
                var bytes = serializer.SerializeToArray(value);
                entryWriter.Write7BitEncodedInt(bytes.Length);
                entryWriter.Write(bytes);
            }
            offsets[group.Key] = stream.Position;
            writer.Write(group.Key);
            writer.Write(group.Count());
            writer.Write((int)entries.Length);
            writer.Write(entries.ToArray());
        }
        var data = stream.ToArray();
        var handle = new StateHandle(null, data, 0, data.Length, System.IO.Hashing.XxHash64.HashToUInt64(data), offsets);

        var restored = await KeyedStateReader.ReadAsync(handle, new FileSystemObjectStore(_temp.Combine("old")), "", "old", All, _codecs, CancellationToken.None);
        var table = new StateTable<long, byte[]>("payload", 0, MaxParallelism);
        restored.Restore(table, All);

        Assert.Equal(values.OrderBy(v => v.Key).Select(v => (v.Key, v.Value)), table.Entries.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)));
        Assert.Equal("bytes", _codecs.For<byte[]>().Name);
    }

    [Fact]
    public async Task StateRestoredAsAnotherTypeIsRefusedNamingBothCodecs()
    {
        var store = new FileSystemObjectStore(_temp.Combine("retyped"));
        var (counts, _) = Tables(keys: 100);
        var captured = new List<CapturedOperatorState> { new("count", All, [counts.CaptureUntypedSnapshot()], null) };
        var handle = (await SubtaskSnapshotWriter.WriteAsync(captured, store, "chk-1/", "count", 0, 20 * 1024, _codecs, NativeTarget(store), CancellationToken.None))[0].State!;
        var restored = await KeyedStateReader.ReadAsync(handle, store, "", "test", All, _codecs, CancellationToken.None);

        var error = Assert.Throws<InvalidDataException>(() => restored.Restore(new StateTable<long, string>("count", 0, MaxParallelism), All));

        Assert.Contains("'long'", error.Message);
        Assert.Contains("'string'", error.Message);
    }

    private static async Task<List<ObjectInfo>> ToListAsync(IAsyncEnumerable<ObjectInfo> source)
    {
        var list = new List<ObjectInfo>();
        await foreach (var item in source) list.Add(item);
        return list;
    }
}
