using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sources;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Tests.Sources;

/// <summary>Every source reports offsets and resumes from them with exactly the records that follow.</summary>
[Trait("Category", "Unit")]
public sealed class SourceOffsetTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new("grainflow-sources");

    private static SubtaskInfo Subtask(int index = 0, int parallelism = 1) =>
        new(JobId.New(), "test", "source", index, parallelism, GrainFlowConfiguration.Empty, new ServiceCollection().BuildServiceProvider());

    private static async Task<List<T>> DrainAsync<T>(ISourceReader<T> reader, int maxPerPoll = 7)
    {
        var output = new RecordingReaderOutput<T>();
        while (await reader.PollAsync(output, maxPerPoll, CancellationToken.None) != SourcePollStatus.EndOfInput) { }
        return output.Items.ToList();
    }

    [Fact]
    public async Task TheGeneratorResumesFromItsOffsetsWithExactlyTheRemainingRecords()
    {
        var source = new GeneratorSource<long>(1000, n => n * 10, splits: 4);
        var all = await DrainAsync(source.CreateReader(Subtask()));
        Assert.Equal(Enumerable.Range(0, 1000).Select(n => n * 10L), all.Order());

        var first = source.CreateReader(Subtask());
        var head = new RecordingReaderOutput<long>();
        await first.PollAsync(head, 123, CancellationToken.None);
        var offsets = first.CurrentOffsets;
        Assert.Equal(123, offsets.Values.Sum());

        var resumed = source.CreateReader(Subtask());
        resumed.SeekTo(offsets);
        var tail = await DrainAsync(resumed);
        Assert.Equal(all.Order(), head.Items.Concat(tail).Order());
        Assert.Empty(head.Items.Intersect(tail));
    }

    [Fact]
    public async Task GeneratorSplitsArePartitionedOverSubtasksWithoutOverlap()
    {
        var source = new GeneratorSource<long>(100, n => n, splits: 8);
        var parts = new List<long>();
        for (var i = 0; i < 3; i++) parts.AddRange(await DrainAsync(source.CreateReader(Subtask(i, 3))));
        Assert.Equal(Enumerable.Range(0, 100).Select(n => (long)n), parts.Order());
    }

    [Fact]
    public async Task TheGeneratorEmitsEachRecordThroughItsSplitsOutputAndReleasesEachSplitItExhausts()
    {
        var output = new RecordingReaderOutput<long>();
        var reader = new GeneratorSource<long>(10, n => n, splits: 3).CreateReader(Subtask());
        while (await reader.PollAsync(output, 4, CancellationToken.None) != SourcePollStatus.EndOfInput) { }

        Assert.Equal(10, output.Emitted.Count);
        Assert.All(output.Emitted, e => Assert.Equal($"split-{e.Record % 3}", e.Split));
        Assert.Equal(["split-0", "split-1", "split-2"], output.Created);
        Assert.Equal(["split-0", "split-1", "split-2"], output.Released.Order());
    }

    [Fact]
    public async Task AResumedGeneratorOpensNoOutputForASplitThatWasAlreadyExhausted()
    {
        var output = new RecordingReaderOutput<long>();
        var reader = new GeneratorSource<long>(10, n => n, splits: 3).CreateReader(Subtask());
        reader.SeekTo(new Dictionary<string, long> { ["split-0"] = 1, ["split-1"] = 3, ["split-2"] = 0 });

        await reader.PollAsync(output, 1, CancellationToken.None);

        Assert.Equal(["split-0", "split-2"], output.Created);
    }

    [Fact]
    public async Task AJsonLinesFileIsReadFromAByteOffsetAfterTheLastLineRead()
    {
        var path = _temp.Combine("events.jsonl");
        var lines = Enumerable.Range(0, 500).Select(i => $"{{\"Id\":{i},\"Name\":\"event-{i}\"}}").ToList();
        await File.WriteAllTextAsync(path, string.Join("\n", lines)); // no newline after the last line
        var source = new JsonLinesFileSource<Event>(path);

        var reader = source.CreateReader(Subtask());
        var head = new RecordingReaderOutput<Event>();
        await reader.PollAsync(head, 100, CancellationToken.None);
        var offset = reader.CurrentOffsets.Single().Value;
        Assert.Equal(string.Join("\n", lines.Take(head.Emitted.Count)).Length + 1, offset);

        var resumed = source.CreateReader(Subtask());
        resumed.SeekTo(reader.CurrentOffsets);
        var tail = await DrainAsync(resumed);
        Assert.Equal(Enumerable.Range(0, 500), head.Items.Concat(tail).Select(e => e.Id));
        Assert.Equal("event-499", tail[^1].Name);
        await reader.DisposeAsync();
        await resumed.DisposeAsync();
    }

    [Fact]
    public async Task OnlyTheFirstSubtaskReadsAFileAndABadLineIsAClearError()
    {
        var path = _temp.Combine("bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"Id\":1,\"Name\":\"a\"}\nnot json\n");
        Assert.Empty(await DrainAsync(new JsonLinesFileSource<Event>(path).CreateReader(Subtask(1, 2))));
        var error = await Assert.ThrowsAsync<FormatException>(() => DrainAsync(new JsonLinesFileSource<Event>(path).CreateReader(Subtask(0, 2))));
        Assert.Contains("not json", error.Message);
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => DrainAsync(new JsonLinesFileSource<Event>(_temp.Combine("missing.jsonl")).CreateReader(Subtask())));
        Assert.Contains("missing.jsonl", missing.Message);
    }

    public sealed record Event(int Id, string Name);

    public void Dispose() => _temp.Dispose();
}
