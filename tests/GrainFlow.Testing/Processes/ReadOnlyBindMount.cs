namespace GrainFlow.Testing.Processes;

/// <summary>
/// A directory made read-only for every new path lookup, root's included (a read-only bind mount over itself), for
/// "the local directory is not writable" tests: creating a file or directory in it fails with EROFS while files that
/// were open before stay writable. Mounting needs root, or passwordless sudo as on the CI machine.
/// </summary>
public sealed class ReadOnlyBindMount : IAsyncDisposable
{
    private ReadOnlyBindMount(string path) => Path = path;

    public string Path { get; }

    /// <exception cref="InvalidOperationException">The directory could not be made read-only (the message says what to do).</exception>
    public static async Task<ReadOnlyBindMount> MountAsync(string directory)
    {
        foreach (var arguments in new[] { new[] { "--bind", directory, directory }, ["-o", "remount,bind,ro", directory] })
        {
            var (exitCode, _, stderr) = await PrivilegedCommand.RunAsync("mount", arguments);
            if (exitCode != 0)
            {
                if (arguments[0] != "--bind") await PrivilegedCommand.RunAsync("umount", directory);
                throw new InvalidOperationException(
                    $"Could not make {directory} read-only with a bind mount ({stderr.Trim()}): the not-writable tests need root or passwordless sudo (sudo -n mount).");
            }
        }
        return new ReadOnlyBindMount(directory);
    }

    public async ValueTask DisposeAsync() => await PrivilegedCommand.RunAsync("umount", Path);
}
