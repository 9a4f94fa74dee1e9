using System.Runtime.InteropServices;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// Hard links (link(2)), which .NET has no API for: how a restore puts an immutable state file into a working directory
/// without writing its bytes again, as RocksDB's own checkpoints do.
/// </summary>
internal static partial class LocalFileLink
{
    /// <summary>
    /// Links <paramref name="link"/> to the file at <paramref name="existing"/>; false where the file system cannot (another device,
    /// no hard links, not Unix): then the caller copies.
    /// </summary>
    /// <exception cref="IOException"><paramref name="link"/> exists, or the directory cannot be written.</exception>
    public static bool TryCreate(string existing, string link)
    {
        if (OperatingSystem.IsWindows()) return false;
        if (Link(existing, link) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (IsUnsupported(errno)) return false;
        throw new IOException($"Could not link '{link}' to '{existing}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    // EPERM, EXDEV, EMLINK and EOPNOTSUPP on Linux; ENOTSUP and EOPNOTSUPP on BSD.
    private static bool IsUnsupported(int errno) =>
        errno is 1 or 18 or 31 || (OperatingSystem.IsLinux() ? errno == 95 : errno is 45 or 102);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existingPath, string newPath);
}
