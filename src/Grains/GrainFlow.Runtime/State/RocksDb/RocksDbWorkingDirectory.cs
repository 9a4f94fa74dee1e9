using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The directory one RocksDB instance works in: a new subdirectory of the configured local directory,
/// named <c>grainflow-rocksdb-&lt;pid&gt;-&lt;id&gt;</c> and holding a marker file, so GrainFlow deletes only
/// directories it created and can name. Instance directories whose process is gone (a crashed silo)
/// are deleted when the next instance starts; anything else in the local directory is never touched.
/// </summary>
internal sealed class RocksDbWorkingDirectory : IDisposable
{
    public const string NamePrefix = "grainflow-rocksdb-";
    public const string MarkerFileName = "GRAINFLOW-ROCKSDB-INSTANCE";

    // The instance directories this process has open: a directory of this process's id not listed here
    // was left by an earlier process that had the same id, or by an instance whose deletion failed.
    private static readonly ConcurrentDictionary<string, byte> Open = new(StringComparer.Ordinal);

    private RocksDbWorkingDirectory(string path) => Path = path;

    /// <summary>The instance's own directory (RocksDB's files are in <see cref="DatabasePath"/>).</summary>
    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, "db");

    /// <summary>Creates a new instance directory under <paramref name="localDirectory"/>, first deleting those crashed processes left there.</summary>
    /// <exception cref="IOException">The local directory cannot be created or written.</exception>
    public static RocksDbWorkingDirectory Create(string localDirectory)
    {
        string root;
        try
        {
            root = System.IO.Path.GetFullPath(localDirectory);
            Directory.CreateDirectory(root);
            DeleteAbandoned(root);
            var path = System.IO.Path.Combine(root, $"{NamePrefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(path);
            Open.TryAdd(path, 0);
            File.WriteAllText(System.IO.Path.Combine(path, MarkerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return new RocksDbWorkingDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException(
                $"The RocksDB local directory '{localDirectory}' ({RocksDbBackendOptions.LocalDirectoryKey}) is not a writable directory: {e.Message} " +
                $"Set {RocksDbBackendOptions.LocalDirectoryKey} to a directory this silo can write.", e);
        }
    }

    /// <summary>Deletes the directory and everything RocksDB wrote in it.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        Open.TryRemove(Path, out _);
    }

    /// <summary>
    /// Instance directories (by name and marker) whose process no longer runs. A directory that only
    /// looks like one (no marker, or a marker that names no process id) is left alone.
    /// </summary>
    private static IEnumerable<string> Abandoned(string root) =>
        Directory.EnumerateDirectories(root, NamePrefix + "*").Where(IsAbandoned).ToList();

    private static bool IsAbandoned(string directory)
    {
        string marker;
        try
        {
            marker = File.ReadAllText(System.IO.Path.Combine(directory, MarkerFileName));
        }
        catch (IOException)
        {
            return false; // no marker (yet, or any more: another instance is being created or deleted there)
        }
        if (!int.TryParse(marker, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
        if (!System.IO.Path.GetFileName(directory).StartsWith($"{NamePrefix}{pid.ToString(CultureInfo.InvariantCulture)}-", StringComparison.Ordinal)) return false;
        return pid == Environment.ProcessId ? !Open.ContainsKey(directory) : !IsRunning(pid);
    }

    private static void DeleteAbandoned(string root)
    {
        foreach (var directory in Abandoned(root))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Another instance starting under the same local directory is deleting it too; what is left goes next time.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
