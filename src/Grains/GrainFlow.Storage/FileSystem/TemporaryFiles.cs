namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// The temporary files that writes fill before publishing them under their key: created next to the
/// target, named with <see cref="ObjectKeys.ReservedSegmentPrefix"/> (which keys may not use, so a
/// temporary file is never taken for an object), and deleted when a write fails.
/// </summary>
internal sealed class TemporaryFiles(EmptyDirectories emptyDirectories)
{
    public static bool IsTemporaryFileName(string fileName) =>
        fileName.StartsWith(ObjectKeys.ReservedSegmentPrefix, StringComparison.Ordinal);

    /// <summary>Creates a new temporary file next to <paramref name="path"/>, open for writing.</summary>
    public static (string Temp, FileStream Stream) CreateFile(string path)
    {
        var (temp, stream) = Create(path, temp => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous));
        return (temp, stream!);
    }

    /// <summary>Creates a new temporary file next to <paramref name="path"/> with <paramref name="create"/> (which may decline by returning null).</summary>
    public static (string Temp, T? File) Create<T>(string path, Func<string, T?> create)
        where T : class
    {
        var directory = Path.GetDirectoryName(path)!;
        return DirectoryRace.CreateIn(directory, () =>
        {
            var temp = Path.Join(directory, ObjectKeys.ReservedSegmentPrefix + Guid.NewGuid().ToString("N"));
            return (temp, create(temp));
        });
    }

    /// <summary>
    /// Deletes the temporary file of a failed write, and the directories it leaves empty: a write that
    /// created the directory of its key (e.g. a checkpoint's, deleted meanwhile because the checkpoint
    /// was aborted) leaves nothing behind when it fails.
    /// </summary>
    public void Discard(string temp)
    {
        TryDelete(temp);
        emptyDirectories.RemoveUpFrom(Path.GetDirectoryName(temp)!);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
