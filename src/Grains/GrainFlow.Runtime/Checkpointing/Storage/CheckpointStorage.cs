using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Where a job's checkpoints live: <c>execution.checkpointing.dir</c> when set (a path or a blob URL),
/// otherwise the cluster's data store under <c>checkpoints/</c>. Keys given to it follow
/// <see cref="CheckpointLayout"/>.
/// </summary>
public sealed class CheckpointStorage
{
    private const string DefaultPrefix = "checkpoints/";

    private CheckpointStorage(IObjectStore store, string prefix)
    {
        Store = store;
        Prefix = prefix;
    }

    public IObjectStore Store { get; }

    /// <summary>Prepended to every layout key (empty for a dedicated checkpoint directory).</summary>
    public string Prefix { get; }

    /// <summary>The human-readable location of a key (what logs, status and REST call the external path).</summary>
    public string ExternalPath(string key) => $"{Store.Location.TrimEnd('/')}/{Prefix}{key}";

    public string Key(string layoutKey) => Prefix + layoutKey;

    /// <summary>
    /// The store holding a snapshot whose store is at <paramref name="storeLocation"/>: this one when it is
    /// the same (or not given), otherwise a store opened there (a savepoint or another job's checkpoint a job was started from).
    /// </summary>
    public IObjectStore StoreFor(string? storeLocation, GrainFlowConfiguration configuration) =>
        storeLocation is null || storeLocation == Store.Location ? Store : SnapshotLocation.At(storeLocation, configuration).Store;

    /// <summary>A checkpoint storage that is exactly <paramref name="store"/> (keys are not prefixed).</summary>
    public static CheckpointStorage OnStore(IObjectStore store) => new(store, "");

    /// <exception cref="ConfigurationValueException">The directory is not a location GrainFlow can write.</exception>
    public static CheckpointStorage For(GrainFlowConfiguration configuration, GrainFlowStores stores)
    {
        var directory = configuration.GetOptionalString(CheckpointingOptions.Directory);
        if (directory is null) return new CheckpointStorage(stores.Data, DefaultPrefix);
        try
        {
            return new CheckpointStorage(ObjectStoreFactory.Create(directory, configuration.GetOptionalString(StorageOptions.AzureConnectionString)), "");
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationValueException(CheckpointingOptions.Directory.Key, directory, ObjectStoreFactory.AcceptedForms, e.Message);
        }
    }
}
