using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.State;
using GrainFlow.Storage;
using Orleans;
using Orleans.Runtime;

namespace GrainFlow.Runtime.Hosting;

/// <summary>How a silo runs GrainFlow: the cluster-wide configuration (Flink-style keys) and, optionally, a ready-made store.</summary>
public sealed class GrainFlowOptions
{
    /// <summary>Cluster defaults every job's own settings are laid over; also selects the storage.</summary>
    public GrainFlowConfiguration Configuration { get; set; } = GrainFlowConfiguration.Empty;

    /// <summary>When set, used instead of the store the <c>grainflow.storage.*</c> keys describe (tests, custom stores).</summary>
    public Func<IServiceProvider, IObjectStore>? StoreFactory { get; set; }

    /// <summary>Every key GrainFlow reads from the silo configuration.</summary>
    public static IEnumerable<ConfigOption> KnownOptions =>
        PipelineOptions.All.Concat(StorageOptions.All).Concat(TopicOptions.All).Concat(CheckpointingOptions.All).Concat(RestartStrategyOptions.All)
            .Concat(StateRecoveryOptions.All).Concat(HeartbeatOptions.All).Concat(StateBackendOptions.All).Concat(WebOptions.All);
}

/// <summary>Rejects a silo configuration with a malformed GrainFlow key before the silo starts, naming every bad key.</summary>
public sealed class GrainFlowOptionsValidator(GrainFlowOptions options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var problems = Problems(options.Configuration, checkStorage: options.StoreFactory is null);
        if (problems.Count > 0) throw new OrleansConfigurationException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>One message per malformed or missing GrainFlow key (storage included when <paramref name="checkStorage"/>).</summary>
    public static IReadOnlyList<string> Problems(GrainFlowConfiguration configuration, bool checkStorage)
    {
        var problems = configuration.Validate(GrainFlowOptions.KnownOptions).Concat(HeartbeatOptions.Problems(configuration))
            .Concat(CheckpointingOptions.Problems(configuration)).ToList();
        if (problems.Count == 0 && KeyedStateBackendFactories.Problem(configuration) is { } backendProblem) problems.Add(backendProblem);
        if (problems.Count == 0 && checkStorage)
        {
            try
            {
                _ = StorageOptions.CreateStore(configuration);
            }
            catch (ConfigurationValueException e)
            {
                problems.Add(e.Message);
            }
        }
        return problems;
    }
}
