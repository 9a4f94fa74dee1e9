using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Paths;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// The one place a submission's settings are normalised and checked before a job is created, for
/// every entry point (CLI, REST, code): keys under one spelling (<see cref="ConfigurationNormalizer"/>),
/// every value parsed, the state backend available, locations openable and — for REST submissions — under the allowed roots,
/// whatever key, alias or job parameter names them, and the parallelism within the cluster's limit.
/// </summary>
internal sealed class SubmissionValidator(ConfigurationNormalizer normalizer, IReadOnlyList<ConfigOption> knownOptions, GrainFlowConfiguration clusterConfiguration)
{
    /// <summary>The submission under the keys GrainFlow reads, and the warnings for its user.</summary>
    /// <exception cref="JobConfigurationException">A setting is unusable; the message lists every problem.</exception>
    public (JobSubmission Submission, IReadOnlyList<string> Warnings) Normalize(JobSubmission submission)
    {
        var normalized = normalizer.Normalize(submission.Configuration);
        if (normalized.Problems.Count > 0) throw new JobConfigurationException(string.Join(" ", normalized.Problems));
        return (submission with { Configuration = normalized.Values }, normalized.Warnings);
    }

    /// <summary>Checks what only the built graph shows: its locations, the path policy and the parallelism.</summary>
    /// <exception cref="JobConfigurationException">The job must not be created; the message lists every problem.</exception>
    public void Check(JobSubmission normalized, JobGraph graph)
    {
        var problems = CheckpointingOptions.Problems(graph.Configuration).ToList();
        if (KeyedStateBackendFactories.Problem(graph.Configuration) is { } backendProblem) problems.Add(backendProblem);
        if (normalized.AllowedRoots is { } roots)
        {
            var policy = AllowedRoots.From(roots, enforce: true);
            foreach (var option in knownOptions.Concat(graph.ParametersRead).Where(o => o.IsLocation).DistinctBy(o => o.Key))
            {
                if (normalized.Configuration.TryGetValue(option.Key, out var location) && policy.Check(location, option.Key) is { } refusal)
                {
                    problems.Add(refusal);
                }
            }
        }
        var limit = clusterConfiguration.Get(PipelineOptions.SubmissionMaxParallelism);
        if (graph.Vertices.FirstOrDefault(v => v.Parallelism > limit) is { } vertex)
        {
            problems.Add($"Operator '{vertex.Name}' ({vertex.Uid}) would run with parallelism {vertex.Parallelism}, above this cluster's limit of {limit} "
                + $"({PipelineOptions.SubmissionMaxParallelism.Key}, a silo setting). Lower the parallelism, or raise the limit in the silos' configuration.");
        }
        if (problems.Count > 0) throw new JobConfigurationException(string.Join(" ", problems));
    }
}
