using System.CommandLine;
using GrainFlow.Client.Input;
using GrainFlow.Topics;
using Orleans.Concurrency;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow publish &lt;topic&gt; [file|-] [--key k]</c>: publishes each non-blank line of the file (or
/// of stdin) as one UTF-8 record, in batches of <see cref="BatchSize"/>, and says how many blank lines it
/// skipped. A line that is not valid UTF-8 stops it: the lines before it are published, that line and
/// the rest are not, and the error names the line (its bytes are never replaced by U+FFFD).
/// </summary>
internal static class PublishCommand
{
    public const int BatchSize = 500;
    public const string StdinMarker = "-";

    public static Command Create(CliContext context)
    {
        var topicArgument = new Argument<string>("topic") { Description = "The topic to publish to (created with defaults if missing)." };
        var fileArgument = new Argument<string?>("file")
        {
            Description = "A file with one record per line; '-' or nothing reads stdin.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var keyOption = new Option<string?>("--key") { Description = "The key of every record (records with one key go to one partition).", HelpName = "key" };

        var command = new Command("publish", "Publish each non-blank line as one record to a topic. The input must be UTF-8: a line that is not stops publish, and the error names it.") { topicArgument, fileArgument, keyOption };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var topic = parseResult.GetRequiredValue(topicArgument).Trim();
            if (topic.Length == 0) throw new CliUsageException("The topic name must not be empty.");
            var key = parseResult.GetValue(keyOption);

            // Open the input before connecting, so that a wrong path fails fast and without a cluster.
            var path = parseResult.GetValue(fileArgument);
            using var ownedReader = path is null or StdinMarker ? null : OpenFile(path);
            var reader = ownedReader ?? Utf8LineReader.Of(context.Console.In);

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var grain = connection.Client.GetGrain<ITopicGrain>(topic);

            long published = 0;
            long blank = 0;
            var batch = new List<TopicRecord>(BatchSize);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken);
                }
                catch (InvalidDataException invalid)
                {
                    if (batch.Count > 0) published += await PublishAsync(grain, batch, cancellationToken);
                    throw new CliUsageException($"{invalid.Message}: nothing from line {reader.LineNumber} on was published " +
                        $"({published} records before it were, to topic {topic}). Convert the input to UTF-8 and publish the lines from there.");
                }
                if (line is null) break;
                if (string.IsNullOrWhiteSpace(line))
                {
                    blank++;
                    continue;
                }
                batch.Add(TopicRecord.FromText(line, key));
                if (batch.Count == BatchSize) published += await PublishAsync(grain, batch, cancellationToken);
            }
            if (batch.Count > 0) published += await PublishAsync(grain, batch, cancellationToken);

            var skipped = blank switch { 0 => "", 1 => "; skipped 1 blank line", _ => $"; skipped {blank} blank lines" };
            context.Console.Out.WriteLine($"Published {published} records to topic {topic}{skipped}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> PublishAsync(ITopicGrain grain, List<TopicRecord> batch, CancellationToken cancellationToken)
    {
        var records = batch.ToArray();
        batch.Clear();
        await grain.PublishAsync(new Immutable<TopicRecord[]>(records)).WaitAsync(cancellationToken);
        return records.Length;
    }

    /// <exception cref="CliUsageException">The file does not exist or cannot be read.</exception>
    private static Utf8LineReader OpenFile(string path)
    {
        try
        {
            return Utf8LineReader.Open(File.OpenRead(path));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliUsageException($"File not found: {path}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"Cannot read file {path}: {Output.SingleLine.Of(exception.Message)}");
        }
    }
}
