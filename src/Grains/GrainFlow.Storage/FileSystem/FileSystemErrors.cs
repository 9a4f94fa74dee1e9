namespace GrainFlow.Storage.FileSystem;

/// <summary>Turns filesystem exceptions into <see cref="ObjectStoreException"/>s that tell an operator what to do.</summary>
internal static class FileSystemErrors
{
    private const int WindowsDiskFull = 0x70;        // ERROR_DISK_FULL
    private const int WindowsHandleDiskFull = 0x27;  // ERROR_HANDLE_DISK_FULL
    private const int UnixNoSpace = 28;              // ENOSPC
    private const int UnixQuotaExceeded = 122;       // EDQUOT (Linux)

    public static bool IsStorageFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException;

    public static ObjectStoreException ToObjectStoreException(Exception exception, string operation, string? key, string location)
    {
        var what = key is null ? operation : $"{operation} '{key}'";
        if (IsDiskFull(exception))
        {
            return new ObjectStoreException(
                $"The file object store at '{location}' is out of disk space and could not {what}. " +
                "Free space on that volume, or move the store to a larger one.", exception);
        }

        if (exception is UnauthorizedAccessException)
        {
            return new ObjectStoreException(
                $"Access was denied when trying to {what} in the file object store at '{location}': {exception.Message} " +
                "Give the silo's user read and write permission on that directory, or configure another directory.", exception);
        }

        return new ObjectStoreException(
            $"The file object store at '{location}' could not {what}: {exception.Message} " +
            "Check that the path is a writable directory (not a file) on a mounted volume.", exception);
    }

    private static bool IsDiskFull(Exception exception)
    {
        if (exception is not IOException)
        {
            return false;
        }

        var code = exception.HResult;
        if (OperatingSystem.IsWindows())
        {
            var win32 = code & 0xFFFF;
            return win32 is WindowsDiskFull or WindowsHandleDiskFull;
        }

        // On Unix, .NET puts the raw errno into HResult for errors it has no special exception for.
        return code == UnixNoSpace || (OperatingSystem.IsLinux() && code == UnixQuotaExceeded);
    }
}
