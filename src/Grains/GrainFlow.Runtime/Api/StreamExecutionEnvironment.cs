using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Api;

/// <summary>
/// Where a job declares its dataflow (Flink's StreamExecutionEnvironment): sources, the default and
/// max parallelism, and the job's configuration, which also carries its parameters (<c>-D</c>).
/// </summary>
public sealed class StreamExecutionEnvironment
{
    private readonly List<StreamNode> _nodes = new();
    private readonly Dictionary<string, ConfigOption> _parametersRead = new(StringComparer.Ordinal);

    public StreamExecutionEnvironment(GrainFlowConfiguration configuration, int? parallelism = null, string jobId = "")
    {
        Configuration = configuration;
        JobId = jobId;
        Parallelism = parallelism ?? GetParameter(PipelineOptions.DefaultParallelism);
        var maxParallelism = GetParameter(PipelineOptions.MaxParallelism);
        MaxParallelism = maxParallelism > 0 ? maxParallelism : null;
    }

    /// <summary>The job's configuration: the cluster's, the submission's <c>-D</c> keys, and what the job set in code.</summary>
    public GrainFlowConfiguration Configuration { get; private set; }

    /// <summary>The id of the job being built (32 hex digits), e.g. to name its output.</summary>
    public string JobId { get; }

    /// <summary>Parallelism of operators that set none.</summary>
    public int Parallelism { get; set; }

    /// <summary>Number of key groups; null means Flink's default rule from the largest operator parallelism.</summary>
    public int? MaxParallelism { get; set; }

    internal IReadOnlyList<StreamNode> Nodes => _nodes;

    /// <summary>Every option the job read while it was built (its parameters among them), so submissions can be checked against what they mean.</summary>
    internal IReadOnlyCollection<ConfigOption> ParametersRead => _parametersRead.Values;

    /// <summary>Reads a job parameter or setting; a malformed value stops the job from starting with a message naming the key.</summary>
    public T GetParameter<T>(ConfigOption<T> option)
    {
        _parametersRead.TryAdd(option.Key, option);
        try
        {
            return Configuration.Get(option);
        }
        catch (ConfigurationValueException e)
        {
            throw new JobConfigurationException(e.Message, e);
        }
    }

    /// <summary>A text parameter, or null when it is not set (or empty); see <see cref="GetParameter{T}"/>.</summary>
    public string? GetOptionalParameter(ConfigOption<string> option)
    {
        _parametersRead.TryAdd(option.Key, option);
        try
        {
            return Configuration.GetOptionalString(option);
        }
        catch (ConfigurationValueException e)
        {
            throw new JobConfigurationException(e.Message, e);
        }
    }

    /// <summary>
    /// Turns on periodic checkpoints (Flink's <c>enableCheckpointing</c>); the same as setting
    /// <c>execution.checkpointing.interval</c> and <c>.mode</c>, which a submission's <c>-D</c> keys override.
    /// </summary>
    public StreamExecutionEnvironment EnableCheckpointing(TimeSpan interval, CheckpointingMode mode = CheckpointingMode.ExactlyOnce)
    {
        SetDefault(CheckpointingOptions.Interval.Key, $"{(long)interval.TotalMilliseconds} ms");
        SetDefault(CheckpointingOptions.Mode.Key, EnumNames.ToConfigName(mode));
        return this;
    }

    /// <summary>
    /// Chooses what holds the job's keyed state (Flink's <c>setStateBackend</c>), e.g.
    /// <c>env.SetStateBackend(new EmbeddedRocksDBStateBackend())</c>. As in Flink, the choice in code wins
    /// over <c>state.backend.type</c> from <c>-D</c> or the silo's configuration.
    /// </summary>
    public StreamExecutionEnvironment SetStateBackend(StateBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Configuration = Configuration.With(CheckpointingOptions.StateBackend.Key, backend.ConfigName);
        return this;
    }

    /// <summary>Sets a key unless the submission or the cluster already set it (code gives defaults; deployment decides).</summary>
    public StreamExecutionEnvironment SetDefault(string key, string value)
    {
        if (!Configuration.Values.ContainsKey(key)) Configuration = Configuration.With(key, value);
        return this;
    }

    /// <summary>A source without watermarks (its records keep the timestamps the source gives them).</summary>
    public DataStream<T> FromSource<T>(ISource<T> source, string name) => FromSource(source, WatermarkStrategy<T>.NoWatermarks(), name);

    /// <summary>
    /// A source whose records get timestamps and whose splits get watermarks from <paramref name="watermarkStrategy"/>
    /// (Flink's <c>fromSource(source, watermarkStrategy, name)</c>): each split of a subtask has its own
    /// watermark, and the subtask's is their minimum, idle splits left out.
    /// </summary>
    public DataStream<T> FromSource<T>(ISource<T> source, WatermarkStrategy<T> watermarkStrategy, string name)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(watermarkStrategy);
        var node = new SourceNode<T>(_nodes.Count, name, source, watermarkStrategy);
        _nodes.Add(node);
        return new DataStream<T>(this, node);
    }

    internal TNode Add<TNode>(TNode node) where TNode : StreamNode
    {
        _nodes.Add(node);
        node.Input?.Consumers.Add(node);
        return node;
    }

    internal int NextNodeId => _nodes.Count;
}
