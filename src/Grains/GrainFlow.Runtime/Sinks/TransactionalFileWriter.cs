using System.Text;
using GrainFlow.Errors;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// The exactly-once file writer of <see cref="FileSink{T}"/>. A transaction is the list of in-progress
/// part files (<c>.part-&lt;uid&gt;-&lt;subtask&gt;-&lt;n&gt;.inprogress</c>) written since the previous
/// barrier; staging flushes and syncs them, committing renames each to its final name (a rename is
/// atomic, and a part already renamed counts as committed). A committable names its directory
/// (<see cref="FileSinkCommittable"/>), so a job restored from another job's snapshot commits that
/// job's transactions where they were staged.
/// </summary>
internal sealed class TransactionalFileWriter<T>(string directory, string operatorUid, int subtaskIndex) : ITransactionalSinkWriter<T>
{
    private const int BufferSize = 64 * 1024;

    private StreamWriter? _current;
    private string? _currentPart;
    // Parts sealed at the end of input, waiting for the next barrier to become a transaction.
    private readonly List<string> _sealed = new();
    private int? _nextPart;

    public static string InProgressName(string uid, int subtask, int part) => $".part-{uid}-{subtask}-{part}.inprogress";

    public static string CommittedName(string uid, int subtask, int part) => $"part-{uid}-{subtask}-{part}.jsonl";

    public void Write(T record)
    {
        if (_current is null) OpenPart();
        _current!.Write(RecordCodec<T>.EncodeText(record) + "\n");
    }

    public async ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken)
    {
        // Nothing is visible before the commit, so only the end of input matters: the last part is
        // sealed now, because the writer is closed before the final checkpoint's barrier comes.
        if (reason != FlushReason.EndOfInput || _current is null) return;
        var (writer, part) = Detach();
        await SyncAndCloseAsync(writer, cancellationToken);
        _sealed.Add(part);
    }

    public SinkTransaction? PreCommit(long checkpointId)
    {
        var parts = new List<string>(_sealed);
        _sealed.Clear();
        StreamWriter? open = null;
        if (_current is not null)
        {
            (open, var part) = Detach();
            parts.Add(part);
        }
        if (parts.Count == 0) return null;
        // The detached writer is no longer touched by the subtask, so it can be flushed on a pool thread.
        return new SinkTransaction(new FileSinkCommittable(directory, parts).Serialize(), async cancellation =>
        {
            if (open is not null) await SyncAndCloseAsync(open, cancellation);
        });
    }

    /// <exception cref="NonRecoverableJobException">A part is neither staged nor committed: its output is lost, and no restart brings it back.</exception>
    public Task CommitAsync(string committable, CancellationToken cancellationToken)
    {
        var transaction = FileSinkCommittable.Parse(committable, directory);
        foreach (var part in transaction.Parts)
        {
            var staged = Path.Combine(transaction.Directory, part);
            var committed = Path.Combine(transaction.Directory, FileSinkCommittable.CommittedNameOf(part));
            if (Commit(staged, committed)) continue;
            throw new NonRecoverableJobException(
                $"The file sink cannot commit '{staged}': neither the staged nor the committed file exists, so the output of this transaction is lost "
                + "(was the directory cleaned or moved?). Restore from a snapshot whose output is intact, or start the job without state.");
        }
        return Task.CompletedTask;
    }

    /// <summary>Renames a staged part to its committed name; true when it is committed now or was before.</summary>
    private static bool Commit(string staged, string committed)
    {
        if (!File.Exists(staged)) return File.Exists(committed);
        try
        {
            File.Move(staged, committed, overwrite: false);
            return true;
        }
        catch (FileNotFoundException) when (File.Exists(committed))
        {
            // Committed meanwhile by the job that staged it (a savepoint's job may still be running).
            return true;
        }
    }

    public Task AbortUncommittedAsync(IReadOnlyCollection<int> subtaskIndices, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory)) return Task.CompletedTask;
        foreach (var subtask in subtaskIndices)
        {
            foreach (var stray in Directory.EnumerateFiles(directory, $".part-{operatorUid}-{subtask}-*.inprogress"))
            {
                if (ParsePart(Path.GetFileName(stray), subtask) is not null) File.Delete(stray);
            }
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        // An open part is simply abandoned: it was never committed, and the next attempt's abort removes it.
        var writer = _current;
        _current = null;
        return writer?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private void OpenPart()
    {
        // Continue after every part this subtask left in the directory, so a restore never reuses a name.
        _nextPart ??= Directory.EnumerateFiles(directory, $"*part-{operatorUid}-{subtaskIndex}-*")
            .Select(f => ParsePart(Path.GetFileName(f), subtaskIndex)).Max() is { } highest ? highest + 1 : 0;
        var part = _nextPart.Value;
        _nextPart = part + 1;
        _currentPart = InProgressName(operatorUid, subtaskIndex, part);
        var stream = new FileStream(Path.Combine(directory, _currentPart), FileMode.CreateNew, FileAccess.Write, FileShare.Read, BufferSize);
        _current = new StreamWriter(stream, new UTF8Encoding(false), BufferSize);
    }

    private (StreamWriter Writer, string Part) Detach()
    {
        var detached = (_current!, _currentPart!);
        _current = null;
        _currentPart = null;
        return detached;
    }

    private static async Task SyncAndCloseAsync(StreamWriter writer, CancellationToken cancellationToken)
    {
        await using (writer)
        {
            await writer.FlushAsync(cancellationToken);
            ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        }
    }

    /// <summary>The part number of one of this sink's file names (staged or committed), if it is one.</summary>
    private int? ParsePart(string fileName, int subtask)
    {
        var name = fileName.StartsWith('.') ? fileName[1..] : fileName;
        var suffix = name.EndsWith(".inprogress", StringComparison.Ordinal) ? ".inprogress" : name.EndsWith(".jsonl", StringComparison.Ordinal) ? ".jsonl" : null;
        var prefix = $"part-{operatorUid}-{subtask}-";
        if (suffix is null || !name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        return int.TryParse(name[prefix.Length..^suffix.Length], out var part) && part >= 0 ? part : null;
    }
}
