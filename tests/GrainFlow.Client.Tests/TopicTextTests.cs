using System.Text;
using GrainFlow.Client.Commands;
using GrainFlow.Topics;
using Orleans.Concurrency;

namespace GrainFlow.Client.Tests;

/// <summary>
/// What <c>publish</c> and <c>tail</c> do with text that is not plain: invalid UTF-8 is refused with its line
/// number (never stored as U+FFFD), skipped blank lines are counted, and control characters print escaped.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TopicTextTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly byte[] InputWithInvalidLine = [.. "one\r\n\n  \ntwo\n"u8, .. "caf"u8, 0xE9, .. "\nthree\n"u8];

    [Fact]
    public async Task Publish_refuses_a_file_line_that_is_not_UTF8_naming_it_and_stores_only_the_lines_before_it()
    {
        var topic = $"cli-{Guid.NewGuid():N}";
        var file = fixture.Directory.Combine($"{topic}.txt");
        await File.WriteAllBytesAsync(file, InputWithInvalidLine);

        var run = await CliRun.RunAsync(["publish", topic, file], fixture.Connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([$"Line 5 is not valid UTF-8 (byte 0xE9 at position 4): nothing from line 5 on was published (2 records before it were, to topic {topic}). " +
            "Convert the input to UTF-8 and publish the lines from there."], run.StderrLines);
        Assert.Equal(["one", "two"], await StoredTextsAsync(topic));
    }

    [Fact]
    public async Task Publish_refuses_invalid_UTF8_on_stdin_too_instead_of_storing_replacement_characters()
    {
        var topic = $"cli-{Guid.NewGuid():N}";

        var run = await CliRun.RunAsync(["publish", topic], fixture.Connector, stdinBytes: InputWithInvalidLine);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith("Line 5 is not valid UTF-8", Assert.Single(run.StderrLines));
        var stored = await StoredTextsAsync(topic);
        Assert.Equal(["one", "two"], stored);
        Assert.DoesNotContain(stored, s => s.Contains('\uFFFD'));
    }

    [Fact]
    public async Task Publish_of_valid_UTF8_with_a_byte_order_mark_counts_the_blank_lines_it_skipped()
    {
        var topic = $"cli-{Guid.NewGuid():N}";

        var run = await CliRun.RunAsync(["publish", topic], fixture.Connector, stdinBytes: [.. Encoding.UTF8.Preamble, .. "caf\u00e9\n\n\t\nna\u00efve"u8]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([$"Published 2 records to topic {topic}; skipped 2 blank lines."], run.StdoutLines);
        Assert.Equal(["caf\u00e9", "na\u00efve"], await StoredTextsAsync(topic));
    }

    [Fact]
    public async Task Tail_prints_control_characters_and_bytes_that_are_not_UTF8_as_visible_escapes()
    {
        var topic = $"cli-{Guid.NewGuid():N}";
        byte[] value = [.. "\u001b[31mred\u0007\tx\r\nfake 0:1\tline\\ \u0085 caf\u00e9 "u8, 0xFF];
        await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).PublishAsync(new Immutable<TopicRecord[]>([new TopicRecord("k\n1", value, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]));

        var tail = await CliRun.RunAsync(["tail", topic], fixture.Connector);

        Assert.Equal(0, tail.ExitCode);
        var line = Assert.Single(tail.StdoutLines);
        Assert.EndsWith(@"	key=k\n1	\x1B[31mred\x07\tx\r\nfake 0:1\tline\\ \u0085 café \xFF", line);
    }

    private async Task<List<string>> StoredTextsAsync(string topic)
    {
        var info = await fixture.Cluster.Client.GetGrain<ITopicGrain>(topic).GetInfoAsync();
        var texts = new List<string>();
        foreach (var partition in info.Partitions)
        {
            var read = await fixture.Cluster.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(topic, partition.Partition)).ReadAsync(0, 100);
            texts.AddRange(read.Records.Select(r => Encoding.UTF8.GetString(r.Record.Value)));
        }
        // Records without a key spread over partitions: compare as sets.
        return texts.Order(StringComparer.Ordinal).ToList();
    }
}
