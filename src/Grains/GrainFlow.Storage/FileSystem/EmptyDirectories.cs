namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Removes the directories that deletes and failed writes leave empty, so that a key's folder
/// disappears with its last object; never the store's root.
/// </summary>
internal sealed class EmptyDirectories(ObjectFilePaths paths)
{
    /// <summary>Removes directories left empty below (and on the way up to) the prefix, never the root.</summary>
    public void RemoveBelow(string prefix)
    {
        var start = paths.DirectoryOfPrefix(prefix);
        if (!Directory.Exists(start))
        {
            return;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        var candidates = Directory.EnumerateDirectories(start, "*", options)
            .Where(directory => (paths.ToKey(directory) + "/").StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(directory => directory.Length)
            .ToList();
        foreach (var directory in candidates)
        {
            TryRemove(directory);
        }

        // Then the start directory and its parents, as far as they became empty.
        RemoveUpFrom(start);
    }

    /// <summary>Removes <paramref name="directory"/> and its parents as far as they are empty, never the root.</summary>
    public void RemoveUpFrom(string directory)
    {
        for (; !paths.IsRoot(directory); directory = Path.GetDirectoryName(directory)!)
        {
            if (!TryRemove(directory))
            {
                break;
            }
        }
    }

    private static bool TryRemove(string directory)
    {
        try
        {
            if (Directory.EnumerateFileSystemEntries(directory).Any())
            {
                return false;
            }

            Directory.Delete(directory, recursive: false);
            return true;
        }
        catch (IOException)
        {
            // Not empty any more (a concurrent write), or already gone.
            return false;
        }
    }
}
