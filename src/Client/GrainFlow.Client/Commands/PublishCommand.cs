using System.CommandLine;
using System.Text;
using GrainFlow.Topics;
using Orleans.Concurrency;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow publish &lt;topic&gt; [file|-] [--key k]</c>: publishes each non-empty line of the file (or
/// of stdin) as one UTF-8 record, in batches of <see cref="BatchSize"/>.
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

        var command = new Command("publish", "Publish lines as records to a topic.") { topicArgument, fileArgument, keyOption };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var topic = parseResult.GetRequiredValue(topicArgument).Trim();
            if (topic.Length == 0) throw new CliUsageException("The topic name must not be empty.");
            var key = parseResult.GetValue(keyOption);

            // Open the input before connecting, so that a wrong path fails fast and without a cluster.
            var path = parseResult.GetValue(fileArgument);
            using var ownedReader = path is null or StdinMarker ? null : OpenFile(path);
            var reader = ownedReader ?? context.Console.In;

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var grain = connection.Client.GetGrain<ITopicGrain>(topic);

            long published = 0;
            var batch = new List<TopicRecord>(BatchSize);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                batch.Add(TopicRecord.FromText(line, key));
                if (batch.Count == BatchSize) published += await PublishAsync(grain, batch, cancellationToken);
            }
            if (batch.Count > 0) published += await PublishAsync(grain, batch, cancellationToken);

            context.Console.Out.WriteLine($"Published {published} records to topic {topic}.");
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
    private static StreamReader OpenFile(string path)
    {
        try
        {
            return new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
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
