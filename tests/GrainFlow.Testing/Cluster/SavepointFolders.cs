using GrainFlow.Jobs;
using Xunit;

namespace GrainFlow.Testing.Cluster;

/// <summary>Checks of a savepoint folder on disk, as the CLI and the REST API report its location.</summary>
public static class SavepointFolders
{
    /// <summary>The local folder a reported location names (a path or a file:// URL).</summary>
    public static string LocalPath(string location) => location.Replace("file://", "", StringComparison.Ordinal).TrimEnd('/');

    /// <summary>Flink's layout: <c>&lt;target&gt;/savepoint-&lt;first 6 hex of the job id&gt;-&lt;12 hex&gt;/_metadata</c>.</summary>
    public static void AssertIsSavepointOf(string location, string targetDirectory, JobId jobId)
    {
        var folder = new DirectoryInfo(LocalPath(location));
        Assert.Equal(Path.GetFullPath(targetDirectory).TrimEnd('/'), folder.Parent!.FullName);
        Assert.Matches($"^savepoint-{jobId.Value[..6]}-[0-9a-f]{{12}}$", folder.Name);
        Assert.True(File.Exists(Path.Combine(folder.FullName, "_metadata")), $"{folder.FullName}/_metadata");
    }

    /// <summary>After a disposal: every file and the folder itself are gone.</summary>
    public static void AssertDisposed(string location)
    {
        var folder = LocalPath(location);
        Assert.False(Directory.Exists(folder), $"{folder} still exists: {string.Join(", ", Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder) : [])}");
    }

    /// <summary>Puts a file GrainFlow did not write into the savepoint's folder, as a user might; returns its path.</summary>
    public static string PlaceForeignFile(string location)
    {
        var path = Path.Combine(LocalPath(location), "notes-of-the-user.txt");
        File.WriteAllText(path, "not GrainFlow's to delete");
        return path;
    }

    /// <summary>After a disposal of a folder that held <paramref name="foreignFile"/>: that file (unchanged) is all that is left.</summary>
    public static void AssertOnlyForeignFileLeft(string location, string foreignFile)
    {
        Assert.Equal([foreignFile], Directory.EnumerateFileSystemEntries(LocalPath(location), "*", SearchOption.AllDirectories));
        Assert.Equal("not GrainFlow's to delete", File.ReadAllText(foreignFile));
    }

    /// <summary>Copies a savepoint's folder (self-contained, so the copy restores and disposes as the original); returns the copy's path.</summary>
    public static string Copy(string location, string destination)
    {
        var source = LocalPath(location);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return destination;
    }
}
