using System.Runtime.CompilerServices;
using System.Text;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The data file of one subtask's snapshot, produced as a sequence of parts: the keyed state of each
/// operator in turn (one section each, in <see cref="KeyedStateFormat"/>), serialized one key group at
/// a time into part buffers, so that memory stays at a few parts whatever the state's size. While it
/// runs it records where each section starts, its size, its checksum and its key-group offsets.
/// </summary>
internal sealed class SubtaskSnapshotFile : IDisposable
{
    private readonly IReadOnlyList<CapturedOperatorState> _captured;
    private readonly StateCodecs _codecs;
    private readonly SnapshotPartStream _stream;
    private readonly Section?[] _sections;

    /// <param name="firstPartBytes">The size of the first parts; parts grow from there up to <paramref name="largestPartBytes"/> (see <see cref="SnapshotPartStream"/>).</param>
    public SubtaskSnapshotFile(IReadOnlyList<CapturedOperatorState> captured, StateCodecs codecs, int firstPartBytes, int largestPartBytes)
    {
        _captured = captured;
        _codecs = codecs;
        _stream = new SnapshotPartStream(firstPartBytes, largestPartBytes);
        _sections = new Section?[captured.Count];
    }

    /// <summary>True once every section is serialized (the part being handed out, if any, is the last).</summary>
    public bool Complete { get; private set; }

    /// <summary>Bytes serialized so far (the file's size once <see cref="Complete"/>).</summary>
    public long Length => _stream.Position;

    /// <summary>The parts of the file, in order; serializing the next part happens when it is asked for.</summary>
    public async IAsyncEnumerable<ObjectPart> Parts([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        using var writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        for (var i = 0; i < _captured.Count; i++)
        {
            if (_captured[i] is not { KeyGroups: { } range, Tables: { Count: > 0 } tables }) continue;
            _stream.BeginSection();
            var start = _stream.Position;
            KeyedStateFormat.WriteHeader(writer, tables, _codecs);
            _stream.MarkFinal();
            var offsets = new Dictionary<int, long>();
            for (var keyGroup = range.StartKeyGroup; keyGroup <= range.EndKeyGroup; keyGroup++)
            {
                var at = _stream.Position;
                if (KeyedStateFormat.WriteKeyGroup(writer, _stream, tables, keyGroup, _codecs)) offsets[keyGroup] = at - start;
                while (_stream.TryTakeFullPart(out var part))
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        part.Dispose();
                        cancellation.ThrowIfCancellationRequested();
                    }
                    yield return part;
                }
            }
            _stream.MarkFinal();
            _sections[i] = new Section(start, _stream.Position - start, _stream.SectionChecksum, offsets);
        }
        Complete = true;
        if (_stream.TakeRest() is { } rest) yield return rest;
        await Task.CompletedTask;
    }

    /// <summary>
    /// What each operator contributes to the acknowledgement, once the parts were written: handles into
    /// the file <paramref name="fileName"/>, or, with <paramref name="inline"/> (the whole file), the
    /// sections' bytes themselves.
    /// </summary>
    public IReadOnlyList<OperatorSnapshot> Snapshots(string? fileName, ReadOnlyMemory<byte>? inline)
    {
        if (!Complete) throw new InvalidOperationException("The snapshot file was not fully written.");
        var snapshots = new List<OperatorSnapshot>(_captured.Count);
        for (var i = 0; i < _captured.Count; i++)
        {
            StateHandle? handle = _sections[i] switch
            {
                null => null,
                { } s when inline is { } bytes => new StateHandle(null, bytes.Slice((int)s.Offset, (int)s.Size).ToArray(), 0, s.Size, s.Checksum, s.KeyGroupOffsets, StateChecksum.Current),
                { } s => new StateHandle(fileName, null, s.Offset, s.Size, s.Checksum, s.KeyGroupOffsets, StateChecksum.Current),
            };
            snapshots.Add(new OperatorSnapshot(_captured[i].OperatorUid, _captured[i].KeyGroups, handle, _captured[i].SourceOffsets, _captured[i].OperatorState));
        }
        return snapshots;
    }

    public void Dispose() => _stream.Dispose();

    private sealed record Section(long Offset, long Size, ulong Checksum, Dictionary<int, long> KeyGroupOffsets);
}
