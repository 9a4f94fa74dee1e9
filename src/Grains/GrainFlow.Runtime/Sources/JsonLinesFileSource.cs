using GrainFlow.Runtime.Api;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// Reads a file of JSON lines (plain text lines when <typeparamref name="T"/> is string). One split,
/// read by subtask 0; its offset is the byte position of the next line, so a replay resumes exactly
/// after the last line read.
/// </summary>
public sealed class JsonLinesFileSource<T>(string path) : ISource<T>
{
    public string Path { get; } = path;

    public ISourceReader<T> CreateReader(SubtaskInfo subtask) => new Reader(Path, subtask.SubtaskIndex == 0);

    private sealed class Reader(string path, bool ownsSplit) : ISourceReader<T>
    {
        private const int ChunkBytes = 64 * 1024;
        private FileStream? _stream;
        private long _position;
        private byte[] _chunk = new byte[ChunkBytes];

        public IReadOnlyDictionary<string, long> CurrentOffsets =>
            ownsSplit ? new Dictionary<string, long> { [SplitId] = _position } : new Dictionary<string, long>();

        private string SplitId => $"file:{path}";

        public void SeekTo(IReadOnlyDictionary<string, long> offsets) =>
            _position = offsets.TryGetValue(SplitId, out var position) ? position : 0;

        public async ValueTask<SourcePollStatus> PollAsync(IReaderOutput<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            if (!ownsSplit) return SourcePollStatus.EndOfInput;
            _stream ??= Open();
            _stream.Position = _position;
            var read = await _stream.ReadAsync(_chunk, cancellationToken);
            if (read == 0) return SourcePollStatus.EndOfInput;
            var emitted = 0;
            var start = 0;
            for (var i = 0; i < read && emitted < maxRecords; i++)
            {
                if (_chunk[i] != (byte)'\n') continue;
                Emit(output, _chunk.AsSpan(start, i - start), ref emitted);
                start = i + 1;
            }
            if (start == 0 && read == _chunk.Length)
            {
                // A line longer than the chunk: grow and read it again from the same position.
                Array.Resize(ref _chunk, _chunk.Length * 2);
                return SourcePollStatus.MoreAvailable;
            }
            if (start == 0 && _stream.Position == _stream.Length)
            {
                // The last line has no newline: it still is a line.
                Emit(output, _chunk.AsSpan(0, read), ref emitted);
                start = read;
            }
            _position += start;
            return _position >= _stream.Length ? SourcePollStatus.EndOfInput : SourcePollStatus.MoreAvailable;
        }

        private static void Emit(ISourceOutput<T> output, ReadOnlySpan<byte> line, ref int emitted)
        {
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (line.IsEmpty) return;
            output.Collect(RecordCodec<T>.Decode(line));
            emitted++;
        }

        private FileStream Open()
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, useAsync: true);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Cannot read the source file '{path}': {e.Message}", e);
            }
        }

        public ValueTask DisposeAsync() => _stream?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
