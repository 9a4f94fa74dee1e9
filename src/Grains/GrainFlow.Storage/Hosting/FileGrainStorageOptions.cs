using System.Text.Json;

namespace GrainFlow.Hosting;

/// <summary>Settings of a grain storage provider on a local directory (see <c>AddFileGrainStorage</c>).</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>
    /// The directory holding the states (relative paths are resolved against the working directory);
    /// created on the first write. Meant for a single silo: ETag checks only exclude writers in the same process.
    /// </summary>
    public string? RootDirectory { get; set; }

    /// <summary>How states are serialised; <c>ObjectStoreGrainStorage.CreateDefaultJsonOptions()</c> when null.</summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }
}
