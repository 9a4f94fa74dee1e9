using System.Text;
using GrainFlow.Runtime.Api;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// Writes records as JSON lines (plain lines for strings). Without checkpoints each subtask writes
/// <c>part-&lt;uid&gt;-&lt;subtask&gt;.jsonl</c> as it goes. With checkpoints the sink is exactly-once (as
/// Flink's FileSink): records go to a hidden in-progress file, which a checkpoint barrier seals and
/// the completion of that checkpoint renames to <c>part-&lt;uid&gt;-&lt;subtask&gt;-&lt;n&gt;.jsonl</c>, so
/// readers of <c>part-*</c> files only ever see committed output.
/// </summary>
public sealed class FileSink<T>(string directory) : ISink<T>
{
    public string Directory { get; } = directory;

    public static string PartFileName(string operatorUid, int subtaskIndex) => $"part-{operatorUid}-{subtaskIndex}.jsonl";

    public ISinkWriter<T> CreateWriter(SubtaskInfo subtask)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            // Absolute: the transactions record it, and a restore commits them there whatever its own working directory.
            if (subtask.CheckpointingEnabled) return new TransactionalFileWriter<T>(Path.GetFullPath(Directory), subtask.OperatorUid, subtask.SubtaskIndex);
            var path = Path.Combine(Directory, PartFileName(subtask.OperatorUid, subtask.SubtaskIndex));
            return new DirectWriter(new StreamWriter(path, append: false, new UTF8Encoding(false), 64 * 1024));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The file sink cannot write to '{Directory}': {e.Message}", e);
        }
    }

    private sealed class DirectWriter(StreamWriter output) : ISinkWriter<T>
    {
        public void Write(T record) => output.Write(Sources.RecordCodec<T>.EncodeText(record) + "\n");

        public ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken)
        {
            if (reason == FlushReason.BatchEnd) return ValueTask.CompletedTask; // the StreamWriter's own buffer bounds memory
            // Synchronous on purpose: the buffer-timeout flush runs on the subtask's timer, which
            // interleaves with batches; an awaited flush would let a batch's Write hit the writer
            // mid-flush ("the stream is currently in use by a previous operation").
            output.Flush();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => output.DisposeAsync();
    }
}
