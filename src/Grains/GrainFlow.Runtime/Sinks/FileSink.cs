using System.Text;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// Writes records as JSON lines (plain lines for strings) to one file per subtask:
/// <c>&lt;directory&gt;/part-&lt;operator uid&gt;-&lt;subtask&gt;.jsonl</c>.
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
            var path = Path.Combine(Directory, PartFileName(subtask.OperatorUid, subtask.SubtaskIndex));
            return new Writer(new StreamWriter(path, append: false, new UTF8Encoding(false), 64 * 1024));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The file sink cannot write to '{Directory}': {e.Message}", e);
        }
    }

    private sealed class Writer(StreamWriter output) : ISinkWriter<T>
    {
        public void Write(T record) => output.Write(RecordCodec<T>.EncodeText(record) + "\n");

        public async ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken)
        {
            if (reason == FlushReason.BatchEnd) return; // the StreamWriter's own buffer bounds memory
            await output.FlushAsync(cancellationToken);
            if (reason == FlushReason.EndOfInput) output.BaseStream.Flush();
        }

        public ValueTask DisposeAsync() => output.DisposeAsync();
    }
}
