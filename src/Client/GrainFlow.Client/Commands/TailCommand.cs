using System.CommandLine;
using GrainFlow.Client.Output;
using GrainFlow.Topics;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow tail &lt;topic&gt; [--from offset] [--partition n] [--max n] [--follow]</c>: prints a topic's
/// records as <c>&lt;partition&gt;:&lt;offset&gt;\t[key=&lt;key&gt;\t]&lt;text&gt;</c>, partition by partition up to
/// the end offsets seen at the start, or, with <c>--follow</c>, keeps polling for new records.
/// </summary>
internal static class TailCommand
{
    public const int ReadBatchSize = 500;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create(CliContext context)
    {
        var topicArgument = new Argument<string>("topic") { Description = "The topic to read." };
        var fromOption = WholeNumberOption.Create("--from", null, 0L, "The offset to start at in each partition (default: the earliest retained).", "offset");
        var partitionOption = WholeNumberOption.Create("--partition", null, 0, "Read only this partition.", "n");
        var maxOption = WholeNumberOption.Create("--max", null, 1, "Stop after this many records.", "n");
        var followOption = new Option<bool>("--follow", "-f") { Description = "Keep waiting for new records (Ctrl+C stops)." };

        var command = new Command("tail", @"Print the records of a topic, one per line; control characters and bytes that are not UTF-8 are escaped (\n, \t, \x1B, \xFF; a backslash as \\).") { topicArgument, fromOption, partitionOption, maxOption, followOption };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var topic = parseResult.GetRequiredValue(topicArgument).Trim();
            if (topic.Length == 0) throw new CliUsageException("The topic name must not be empty.");
            var from = parseResult.GetValue(fromOption);
            var onlyPartition = parseResult.GetValue(partitionOption);
            var max = parseResult.GetValue(maxOption) ?? int.MaxValue;
            var follow = parseResult.GetValue(followOption);

            await using var connection = await context.ConnectAsync(parseResult, cancellationToken);
            var info = await connection.Client.GetGrain<ITopicGrain>(topic).GetInfoAsync().WaitAsync(cancellationToken);

            var partitions = info.Partitions.OrderBy(p => p.Partition).ToList();
            if (onlyPartition is { } wanted)
            {
                partitions = partitions.Where(p => p.Partition == wanted).ToList();
                if (partitions.Count == 0)
                {
                    throw new CliUsageException(
                        $"Topic '{topic}' has no partition {wanted}; its partitions are 0 to {info.Partitions.Count - 1}.");
                }
            }

            var readers = partitions
                .Select(p => new PartitionCursor(
                    connection.Client.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(topic, p.Partition)),
                    from ?? p.EarliestOffset,
                    p.EndOffset))
                .ToList();

            var printer = new Printer(context.Console.Out, max);
            if (!follow)
            {
                foreach (var reader in readers)
                {
                    while (!printer.Done && reader.Offset < reader.EndAtStart)
                    {
                        var result = await reader.Grain.ReadAsync(reader.Offset, printer.Budget(ReadBatchSize)).WaitAsync(cancellationToken);
                        if (result.Records.Count == 0 && result.NextOffset <= reader.Offset) break;
                        printer.Print(result.Records.Where(r => r.Offset < reader.EndAtStart));
                        reader.Offset = Math.Max(reader.Offset, result.NextOffset);
                    }
                }
                return ExitCodes.Success;
            }

            try
            {
                while (!printer.Done)
                {
                    var any = false;
                    foreach (var reader in readers)
                    {
                        if (printer.Done) break;
                        var result = await reader.Grain.ReadAsync(reader.Offset, printer.Budget(ReadBatchSize)).WaitAsync(cancellationToken);
                        reader.Offset = Math.Max(reader.Offset, result.NextOffset);
                        if (result.Records.Count == 0) continue;
                        any = true;
                        printer.Print(result.Records);
                    }
                    if (!any) await Task.Delay(PollInterval, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how --follow is meant to end.
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private sealed class PartitionCursor(ITopicPartitionGrain grain, long offset, long endAtStart)
    {
        public ITopicPartitionGrain Grain { get; } = grain;

        public long Offset { get; set; } = offset;

        /// <summary>The partition's end offset when tail started: without --follow, reading stops there.</summary>
        public long EndAtStart { get; } = endAtStart;
    }

    private sealed class Printer(TextWriter output, int max)
    {
        private int _printed;

        public bool Done => _printed >= max;

        public int Budget(int batch) => Math.Min(batch, max - _printed);

        public void Print(IEnumerable<StoredTopicRecord> records)
        {
            foreach (var record in records)
            {
                if (Done) return;
                output.WriteLine(RecordPrinter.Format(record));
                _printed++;
            }
        }
    }
}
