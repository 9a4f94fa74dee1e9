namespace GrainFlow.Testing.Processes;

/// <summary>
/// A real, small file system (a tmpfs of a few megabytes mounted on an empty directory) that a test
/// can fill up and free again, for "the disk is full" tests: writes then fail with ENOSPC as they
/// would on a full disk. Mounting needs root, or passwordless sudo as on the CI machine.
/// </summary>
public sealed class SmallFileSystem : IAsyncDisposable
{
    private readonly string _filler;

    private SmallFileSystem(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "filler");
    }

    /// <summary>Where the file system is mounted.</summary>
    public string Path { get; }

    /// <exception cref="InvalidOperationException">The file system could not be mounted (the message says what to do).</exception>
    public static async Task<SmallFileSystem> MountAsync(string directory, long bytes)
    {
        Directory.CreateDirectory(directory);
        var (exitCode, _, stderr) = await PrivilegedCommand.RunAsync("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0777", "tmpfs", directory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"Could not mount a {bytes}-byte tmpfs on {directory} ({stderr.Trim()}): the storage-full tests need root or passwordless sudo (sudo -n mount).");
        }
        return new SmallFileSystem(directory);
    }

    /// <summary>Takes all the space left (until the file system refuses another byte).</summary>
    public void Fill()
    {
        using var filler = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var block = new byte[64 * 1024];
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
            // Full: now try the last bytes one by one, so that not even a small write fits.
        }
        try
        {
            while (true) filler.WriteByte(0);
        }
        catch (IOException)
        {
            // Nothing left.
        }
    }

    /// <summary>Gives the space taken by <see cref="Fill"/> back.</summary>
    public void Free() => File.Delete(_filler);

    public async ValueTask DisposeAsync()
    {
        // Lazily: a silo may still hold a file open; the mount goes once it lets go.
        await PrivilegedCommand.RunAsync("umount", "-l", Path);
    }
}
