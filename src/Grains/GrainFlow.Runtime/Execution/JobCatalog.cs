using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Graph;

namespace GrainFlow.Runtime.Execution;

/// <summary>A job type registered in the silo: its name and how to create it.</summary>
public sealed record JobRegistration(string Name, Func<IServiceProvider, IStreamingJob> Factory);

/// <summary>
/// The job types this silo can run, and the one place a submission becomes a job graph — used by the
/// job manager to plan and by every subtask grain to instantiate its own operators.
/// </summary>
public sealed class JobCatalog
{
    private readonly Dictionary<string, JobRegistration> _jobs;
    private readonly IServiceProvider _services;
    private readonly SubmissionValidator _validator;
    private readonly HashSet<string> _siloKeys;

    /// <param name="knownOptions">Keys the silo reads beyond GrainFlow's runtime keys (cluster, REST); submissions are checked against all of them.</param>
    public JobCatalog(IEnumerable<JobRegistration> registrations, IServiceProvider services, GrainFlowConfiguration clusterConfiguration,
        IEnumerable<ConfigOption>? knownOptions = null)
    {
        _jobs = registrations.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _services = services;
        ClusterConfiguration = clusterConfiguration;
        var known = Hosting.GrainFlowOptions.KnownOptions.Concat(knownOptions ?? []).ToList();
        _validator = new SubmissionValidator(new ConfigurationNormalizer(known, UnsupportedOptions.All), known, clusterConfiguration);
        _siloKeys = StorageOptions.All.Concat(TopicOptions.All).Append(PipelineOptions.SubmissionMaxParallelism).Concat(knownOptions ?? [])
            .SelectMany(o => o.AllKeys).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Names => _jobs.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The cluster-wide configuration that every job's own settings are laid over.</summary>
    public GrainFlowConfiguration ClusterConfiguration { get; }

    public bool Contains(string name) => _jobs.ContainsKey(name);

    /// <summary>The effective configuration of a job: the cluster's, with the submission's keys on top.</summary>
    public GrainFlowConfiguration ConfigurationFor(IReadOnlyDictionary<string, string> submitted) => ClusterConfiguration.With(submitted);

    /// <summary>
    /// Turns a submission into the job it asks for, or refuses it before anything is created: its
    /// settings normalised (what the job record keeps), the graph built, and everything checked.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has that name.</exception>
    /// <exception cref="JobConfigurationException">A setting, location or the parallelism is unusable, or the job's Build failed.</exception>
    internal (JobSubmission Submission, JobGraph Graph, IReadOnlyList<string> Warnings) Plan(JobId jobId, JobSubmission submission)
    {
        var (normalized, warnings) = _validator.Normalize(submission);
        var graph = BuildGraph(jobId, normalized.JobName, ConfigurationFor(normalized.Configuration), normalized.Parallelism);
        _validator.Check(normalized, graph);
        return (WithClusterSettingsFrozen(normalized), graph, warnings.Concat(graph.Warnings).ToList());
    }

    /// <summary>
    /// The submission with the cluster's job-level settings copied in under its own keys, as Flink keeps a
    /// job's configuration with its job graph: a job resumed after its silos restarted with other
    /// settings (or none, e.g. parameters given to <c>--run</c> with <c>-D</c>) runs as it was submitted.
    /// The silos' own keys (storage and its secrets, cluster, REST, topics, the submission limit) stay the silos'.
    /// </summary>
    private JobSubmission WithClusterSettingsFrozen(JobSubmission normalized)
    {
        var frozen = new GrainFlowConfiguration(ClusterConfiguration.Values.Where(e => !_siloKeys.Contains(e.Key))).With(normalized.Configuration);
        return normalized with { Configuration = frozen.Values };
    }

    /// <exception cref="UnknownJobException">No job has that name.</exception>
    /// <exception cref="JobConfigurationException">A setting is invalid, or the job's Build failed.</exception>
    internal JobGraph BuildGraph(JobId jobId, string jobName, GrainFlowConfiguration configuration, int? parallelism)
    {
        if (!_jobs.TryGetValue(jobName, out var registration)) throw new UnknownJobException(jobName, Names);
        var problems = configuration.Validate(PipelineOptions.All);
        if (problems.Count > 0) throw new JobConfigurationException(string.Join(" ", problems));
        if (parallelism is < 1 or > KeyGroups.KeyGroupAssignment.UpperBoundMaxParallelism)
        {
            throw new JobConfigurationException($"Invalid parallelism {parallelism}: it must be a whole number from 1 to {KeyGroups.KeyGroupAssignment.UpperBoundMaxParallelism}.");
        }
        try
        {
            var env = new StreamExecutionEnvironment(configuration, parallelism, jobId.Value);
            registration.Factory(_services).Build(env);
            var graph = JobGraph.Build(env);
            var settingProblems = graph.Configuration.Validate(CheckpointingOptions.All.Concat(RestartStrategyOptions.All).Concat(StateRecoveryOptions.All).Concat(HeartbeatOptions.All).Concat(StateBackendOptions.All).Concat(WebOptions.All))
                .Concat(HeartbeatOptions.Problems(graph.Configuration)).ToList();
            if (settingProblems.Count > 0) throw new JobConfigurationException(string.Join(" ", settingProblems));
            return graph;
        }
        catch (GrainFlowException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new JobConfigurationException($"Job '{jobName}' could not be built: {e.Message}", e);
        }
    }
}
