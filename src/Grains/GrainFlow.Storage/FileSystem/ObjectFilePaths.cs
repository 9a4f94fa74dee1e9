namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Where the <see cref="FileSystemObjectStore"/> keeps each key: one file per key below a root
/// directory, '/' in keys becoming subdirectories; and back from files to keys.
/// </summary>
internal sealed class ObjectFilePaths
{
    /// <param name="rootDirectory">The store's directory.</param>
    /// <param name="keyPrefix">Optional folder below <paramref name="rootDirectory"/> that all keys live in.</param>
    public ObjectFilePaths(string rootDirectory, string? keyPrefix)
    {
        var root = Path.GetFullPath(rootDirectory);
        var prefix = ObjectKeys.NormalizeRootPrefix(keyPrefix);
        if (prefix.Length > 0)
        {
            root = Path.Join(root, ToRelativePath(prefix.TrimEnd('/')));
        }

        Root = Path.TrimEndingDirectorySeparator(root);
    }

    /// <summary>The absolute directory that keys are resolved against.</summary>
    public string Root { get; }

    /// <summary>The file of <paramref name="key"/>, after validating the key.</summary>
    public string PathOf(string key)
    {
        ObjectKeys.Validate(key);
        return PathOfFoundKey(key);
    }

    /// <summary>
    /// The file of a key that <see cref="FindKeys"/> returned: not validated again, because with
    /// temporary files included it returns names that no key may have.
    /// </summary>
    public string PathOfFoundKey(string key) => Path.Join(Root, ToRelativePath(key));

    /// <summary>The directory below which the keys starting with <paramref name="prefix"/> live: the deepest one it names.</summary>
    public string DirectoryOfPrefix(string prefix)
    {
        var lastSlash = prefix.LastIndexOf('/');
        return lastSlash < 0 ? Root : Path.Join(Root, ToRelativePath(prefix[..lastSlash]));
    }

    /// <summary>The key (relative, '/'-separated) of a file or directory below <see cref="Root"/>.</summary>
    public string ToKey(string fullPath)
    {
        var relative = Path.GetRelativePath(Root, fullPath);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    public bool IsRoot(string directory) =>
        Path.TrimEndingDirectorySeparator(directory).Length <= Root.Length;

    /// <summary>
    /// Keys (relative, '/'-separated) of the files below the deepest directory the prefix names,
    /// filtered by the prefix and sorted ordinally.
    /// </summary>
    public List<string> FindKeys(string prefix, bool includeTemporaryFiles)
    {
        var start = DirectoryOfPrefix(prefix);
        var keys = new List<string>();
        if (!Directory.Exists(start))
        {
            return keys;
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };

        foreach (var file in Directory.EnumerateFiles(start, "*", options))
        {
            if (!includeTemporaryFiles && TemporaryFiles.IsTemporaryFileName(Path.GetFileName(file)))
            {
                continue;
            }

            // Temporary files below the prefix (e.g. left behind by a crashed writer) go with it.
            var key = ToKey(file);
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static string ToRelativePath(string key) =>
        Path.DirectorySeparatorChar == '/' ? key : key.Replace('/', Path.DirectorySeparatorChar);
}
