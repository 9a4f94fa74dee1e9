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

    /// <summary>Every file is gone after a disposal; the file store may leave the emptied folder itself behind.</summary>
    public static void AssertDisposed(string location)
    {
        var folder = LocalPath(location);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Any(), folder);
    }
}
