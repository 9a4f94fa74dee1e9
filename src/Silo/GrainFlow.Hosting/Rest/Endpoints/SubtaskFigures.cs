using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using Orleans;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>
/// Asks a job's subtasks for their figures (the same ones the metric exporters read), all at once.
/// A subtask that does not answer within <see cref="Patience"/> (its silo is gone) shows as null:
/// the response then says its figures are incomplete instead of waiting.
/// </summary>
public static class SubtaskFigures
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>Each subtask's metrics in index order (null where it did not answer).</summary>
    public static async Task<SubtaskMetrics?[]> OfVertexAsync(IGrainFactory grains, JobId jobId, VertexDetails vertex) =>
        await Task.WhenAll(Enumerable.Range(0, vertex.Parallelism).Select(i => AskAsync(grains.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, vertex.Uid, i)))));

    /// <summary>Every vertex's subtask metrics, by vertex id.</summary>
    public static async Task<IReadOnlyDictionary<string, SubtaskMetrics?[]>> OfJobAsync(IGrainFactory grains, JobDetails job)
    {
        var all = await Task.WhenAll(job.Vertices.Select(v => OfVertexAsync(grains, job.JobId, v)));
        return job.Vertices.Select((v, i) => (v.Uid, all[i])).ToDictionary(p => p.Uid, p => p.Item2, StringComparer.Ordinal);
    }

    private static async Task<SubtaskMetrics?> AskAsync(ISubtaskGrain subtask)
    {
        var call = subtask.GetMetricsAsync();
        try
        {
            return await call.WaitAsync(Patience);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            _ = call.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            return null;
        }
    }
}
