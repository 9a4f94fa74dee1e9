namespace GrainFlow.Storage.FileSystem;

/// <summary>
/// Creates a file in a directory that may vanish meanwhile: a concurrent
/// <see cref="FileSystemObjectStore.DeletePrefixAsync"/> removes directories once they are empty, possibly
/// between creating the directory and creating the file in it.
/// </summary>
internal static class DirectoryRace
{
    private const int Retries = 3;

    /// <summary>Creates <paramref name="directory"/> and runs <paramref name="create"/>, again while the directory vanishes before it.</summary>
    public static T CreateIn<T>(string directory, Func<T> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            Directory.CreateDirectory(directory);
            try
            {
                return create();
            }
            catch (DirectoryNotFoundException) when (attempt < Retries)
            {
                // A concurrent DeletePrefixAsync removed the (then empty) directory: create it again.
            }
        }
    }

    /// <inheritdoc cref="CreateIn{T}"/>
    public static async Task<T> CreateInAsync<T>(string directory, Func<Task<T>> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            Directory.CreateDirectory(directory);
            try
            {
                return await create().ConfigureAwait(false);
            }
            catch (DirectoryNotFoundException) when (attempt < Retries)
            {
                // A concurrent DeletePrefixAsync removed the (then empty) directory: create it again.
            }
        }
    }
}
