using System.Runtime.InteropServices;

namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Publishes a finished temporary file under its final name only if that name is free, atomically even
/// against other processes.
/// </summary>
/// <remarks>
/// <see cref="File.Move(string, string, bool)"/> without overwrite is not enough on Unix: .NET checks
/// that the destination is missing and then calls rename(2), so two racing writers can both "win".
/// link(2) fails with EEXIST when the name is taken, which is the atomic create we need; the temporary
/// name is unlinked afterwards. On Windows MoveFileEx without MOVEFILE_REPLACE_EXISTING is already atomic.
/// </remarks>
internal static class NoReplaceRename
{
    private const int EEXIST = 17;

    /// <summary>Returns false when <paramref name="destination"/> already exists.</summary>
    public static bool TryMove(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            return TryMoveManaged(source, destination);
        }

        if (Link(source, destination) == 0)
        {
            TryDeleteQuietly(source);
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            return false;
        }

        if (IsHardLinkUnsupported(errno))
        {
            // FAT, some network shares: no hard links. Fall back to .NET's check-then-rename, which is
            // atomic only within this process (the caller holds the per-key lock).
            return TryMoveManaged(source, destination);
        }

        throw new IOException($"Could not publish '{destination}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    private static bool TryMoveManaged(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    private static bool IsHardLinkUnsupported(int errno)
    {
        if (OperatingSystem.IsLinux())
        {
            return errno is 1 /* EPERM */ or 18 /* EXDEV */ or 31 /* EMLINK */ or 95 /* EOPNOTSUPP */;
        }

        return errno is 1 /* EPERM */ or 18 /* EXDEV */ or 31 /* EMLINK */ or 45 /* ENOTSUP (BSD) */ or 102 /* EOPNOTSUPP (BSD) */;
    }

    private static void TryDeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temporary file is never listed and is removed by DeletePrefixAsync.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existingPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
