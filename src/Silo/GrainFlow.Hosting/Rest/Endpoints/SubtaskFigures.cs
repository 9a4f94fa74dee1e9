using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using Orleans;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>
/// A job's subtask figures (the same ones the metric exporters read). While the job runs, its subtasks
/// are asked, all at once; one that does not answer within <see cref="Patience"/> (its silo is gone)
/// shows as null: the response then says its figures are incomplete instead of waiting. Once the job
/// ended, the figures it kept in its record answer, and no subtask grain is woken.
/// </summary>
public static class SubtaskFigures
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>Each subtask's metrics in index order (null where it did not answer).</summary>
    public static async Task<SubtaskMetrics?[]> OfVertexAsync(IGrainFactory grains, JobDetails job, VertexDetails vertex) =>
        job.Status.IsTerminal()
            ? KeptFor(vertex, await KeptAsync(grains, job))
            : await Task.WhenAll(Enumerable.Range(0, vertex.Parallelism).Select(i => AskAsync(grains.GetGrain<ISubtaskGrain>(SubtaskKey.Of(job.JobId, vertex.Uid, i)))));

    /// <summary>Every vertex's subtask metrics, by vertex id.</summary>
    public static async Task<IReadOnlyDictionary<string, SubtaskMetrics?[]>> OfJobAsync(IGrainFactory grains, JobDetails job)
    {
        if (job.Status.IsTerminal())
        {
            var kept = await KeptAsync(grains, job);
            return job.Vertices.ToDictionary(v => v.Uid, v => KeptFor(v, kept), StringComparer.Ordinal);
        }
        var all = await Task.WhenAll(job.Vertices.Select(v => OfVertexAsync(grains, job, v)));
        return job.Vertices.Select((v, i) => (v.Uid, all[i])).ToDictionary(p => p.Uid, p => p.Item2, StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyDictionary<string, SubtaskMetrics?[]>?> KeptAsync(IGrainFactory grains, JobDetails job) =>
        await grains.GetGrain<IJobMasterGrain>(job.JobId.Value).GetFinalFiguresAsync();

    // A subtask without kept figures (lost with its silo, or a record from before figures were kept) shows as not answered.
    private static SubtaskMetrics?[] KeptFor(VertexDetails vertex, IReadOnlyDictionary<string, SubtaskMetrics?[]>? kept) =>
        kept?.GetValueOrDefault(vertex.Uid) ?? new SubtaskMetrics?[vertex.Parallelism];

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
