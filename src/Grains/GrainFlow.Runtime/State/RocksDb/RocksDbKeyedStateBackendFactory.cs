using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// The RocksDB backend (<c>state.backend.type: rocksdb</c>): one instance per keyed operator subtask under
/// <c>state.backend.rocksdb.localdir</c> — by default the system's temporary directory, as Flink's
/// <c>io.tmp.dirs</c>: the working copy is scratch, the checkpoints are what is durable — sized by the
/// job's RocksDB memory settings.
/// </summary>
internal sealed class RocksDbKeyedStateBackendFactory : IKeyedStateBackendFactory
{
    public static string DefaultLocalDirectory => Path.Combine(Path.GetTempPath(), "grainflow-rocksdb");

    /// <summary>
    /// The backend, opened on the downloaded RocksDB state of <see cref="OperatorRestore.RocksDbState"/> when there is some, and keeping
    /// local copies of its checkpoints when the job has local recovery on.
    /// </summary>
    public IKeyedStateBackend<TKey> Create<TKey>(OperatorContext context) where TKey : notnull =>
        new RocksDbKeyedStateBackend<TKey>(context.KeyGroups, context.MaxParallelism, context.Services.GetRequiredService<StateCodecs>(), Options(context.Configuration),
            context.Restore?.RocksDbState, LocalRecoveryConfig.For(context.Configuration, context.JobId), context.Time);

    public static RocksDbBackendOptions Options(GrainFlowConfiguration configuration)
    {
        var directory = configuration.GetOptionalString(StateBackendOptions.RocksDbLocalDirectory) ?? DefaultLocalDirectory;
        if (configuration.Contains(StateBackendOptions.RocksDbFixedMemoryPerSlot))
        {
            return RocksDbBackendOptions.WithFixedMemory(directory, configuration.Get(StateBackendOptions.RocksDbFixedMemoryPerSlot));
        }
        return new RocksDbBackendOptions
        {
            LocalDirectory = directory,
            BlockCacheBytes = configuration.Get(StateBackendOptions.RocksDbBlockCacheSize),
            WriteBufferBytes = configuration.Get(StateBackendOptions.RocksDbWriteBufferSize),
            MaxWriteBufferNumber = configuration.Get(StateBackendOptions.RocksDbWriteBufferCount),
            WriteCacheBytes = configuration.Get(StateBackendOptions.RocksDbWriteCacheSize),
        };
    }
}
