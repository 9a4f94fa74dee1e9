using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Where one snapshot's files are: a store, the key of its directory within it (ending in '/', or
/// empty when the store is rooted at the snapshot itself, as for savepoints), and its external path.
/// </summary>
public sealed record SnapshotLocation(IObjectStore Store, string DirectoryKey, string ExternalPath)
{
    /// <summary>A store rooted at a snapshot directory given as a path or blob URL.</summary>
    /// <exception cref="ArgumentException">The location is not a form GrainFlow can open (see <see cref="ObjectStoreFactory.AcceptedForms"/>).</exception>
    public static SnapshotLocation At(string location, GrainFlowConfiguration configuration)
    {
        var trimmed = location.Trim().TrimEnd('/');
        return new SnapshotLocation(ObjectStoreFactory.Create(trimmed, configuration.GetOptionalString(StorageOptions.AzureConnectionString)), "", trimmed);
    }
}
