using System.Text;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Tests.Checkpointing;

/// <summary>
/// <c>_metadata</c> since version 3: it lists its state files and checksums its own bytes, so that an edit
/// anywhere in it (even one that still parses) is refused naming the file; versions 1 and 2 still read.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointMetadataTests
{
    private static CheckpointMetadata Sample() => CheckpointMetadata.Create("4cf1", "keyed-count", 21,
        DateTimeOffset.Parse("2026-11-23T05:37:06.95+00:00"), DateTimeOffset.Parse("2026-11-23T05:37:07.05+00:00"), false, 128,
        [
            new VertexStateMetadata("count", 1, [new SubtaskSnapshot("count", 0,
                [new OperatorSnapshot("count", new KeyGroupRange(0, 127), new StateHandle("count-0-a.state", null, 0, 40, 7, new Dictionary<int, long> { [3] = 12 }, "xxh3"), null),
                 new OperatorSnapshot("timers", new KeyGroupRange(0, 127), new StateHandle("count-0-a.state", null, 40, 60, 8, new Dictionary<int, long>(), "xxh3"), null)],
                TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)]),
            new VertexStateMetadata("generator", 1, [new SubtaskSnapshot("generator", 0,
                [new OperatorSnapshot("generator", null, null, new Dictionary<string, long> { ["split-0"] = 4727 })], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)]),
        ], null);

    [Fact]
    public void TheMetadataListsEachStateFileWithItsSizeAndReadsBackWithItsChecksum()
    {
        var bytes = Sample().ToBytes();

        var read = CheckpointMetadata.FromBytes(bytes, "/snapshots/chk-21");

        Assert.Equal(4, read.Version);
        Assert.Equal([new StateFileMetadata("count-0-a.state", 100)], read.StateFiles!);
        Assert.Matches("^xxh3:[0-9a-f]{16}$", read.MetadataChecksum);
        Assert.Equal(4727, read.OperatorSnapshots("generator").Single().SourceOffsets!["split-0"]);
    }

    [Theory]
    [InlineData("\"split-0\": 4727", "\"split-0\": 4728")]
    [InlineData("\"jobName\": \"keyed-count\"", "\"jobName\": \"keyed-counu\"")]
    [InlineData("\"version\": 4", "\"version\": 3")]
    [InlineData("\"size\": 100", "\"size\":  100")]
    public void AnyEditOfTheMetadataIsRefusedNamingTheFileEvenWhenItStillParses(string original, string edited)
    {
        var text = Encoding.UTF8.GetString(Sample().ToBytes());
        Assert.Contains(original, text);

        var error = Assert.Throws<InvalidDataException>(() => CheckpointMetadata.FromBytes(Encoding.UTF8.GetBytes(text.Replace(original, edited)), "/snapshots/chk-21"));

        Assert.StartsWith("'/snapshots/chk-21/_metadata' is damaged: its checksum is xxh3:", error.Message);
    }

    [Fact]
    public void MetadataFromVersion3OnWithoutItsChecksumIsRefused()
    {
        var text = Encoding.UTF8.GetString(Sample().ToBytes());
        var withoutChecksum = System.Text.RegularExpressions.Regex.Replace(text, ",\\s*\"metadataChecksum\": \"xxh3:[0-9a-f]{16}\"", "");

        var error = Assert.Throws<InvalidDataException>(() => CheckpointMetadata.FromBytes(Encoding.UTF8.GetBytes(withoutChecksum), "/snapshots/chk-21"));

        Assert.StartsWith("'/snapshots/chk-21/_metadata' is damaged: it has no valid metadataChecksum", error.Message);
    }

    [Fact]
    public void Version2MetadataWithoutFileListOrChecksumStillReads()
    {
        // What the previous build wrote: version 2, no stateFiles, no metadataChecksum.
        const string version2 = """
            { "format": "grainflow-snapshot", "version": 2, "jobId": "4cf1", "jobName": "keyed-count", "checkpointId": 21,
              "triggerTime": "2026-11-23T05:37:06.95+00:00", "completionTime": "2026-11-23T05:37:07.05+00:00",
              "isSavepoint": false, "maxParallelism": 128,
              "vertices": [ { "vertexUid": "count", "parallelism": 1, "subtasks": [ { "vertexUid": "count", "subtaskIndex": 0,
                "syncDuration": "00:00:00", "asyncDuration": "00:00:00", "alignmentDuration": "00:00:00",
                "operators": [ { "operatorUid": "count", "keyGroups": { "startKeyGroup": 0, "endKeyGroup": 127 },
                  "state": { "relativePath": "count-0-a.state", "offset": 0, "size": 40, "checksum": 7, "checksumAlgorithm": "xxh3", "keyGroupOffsets": { "3": 12 } } } ] } ] } ] }
            """;

        var read = CheckpointMetadata.FromBytes(Encoding.UTF8.GetBytes(version2), "/snapshots/chk-21");

        Assert.Equal(2, read.Version);
        Assert.Null(read.StateFiles);
        Assert.Equal("count-0-a.state", read.OperatorSnapshots("count").Single().State!.RelativePath);
    }

    [Theory]
    [InlineData("../elsewhere.state")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b.state")]
    [InlineData("..\\b.state")]
    [InlineData("_metadata")]
    [InlineData("")]
    public void AStateFileNameThatLeadsOutsideTheSnapshotIsRefused(string name)
    {
        var error = Assert.Throws<InvalidDataException>(() => StateFileName.Validate(name, "/snapshots/chk-21/_metadata"));
        Assert.StartsWith($"'/snapshots/chk-21/_metadata' refers to the state file '{name}', which is not a file name inside the snapshot's directory", error.Message);
        Assert.Equal("count-0-a.state", StateFileName.Validate("count-0-a.state", "x"));
        Assert.Equal("source/kafka-0-a.state", StateFileName.Validate("source/kafka-0-a.state", "x"));
    }
}
