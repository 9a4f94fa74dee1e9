using GrainFlow.Errors;
using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// The figures an ended job keeps: each subtask's records and times as it finished, or as the job
/// ended, so that status queries of an ended job never wake its idle subtask grains (Orleans collects them).
/// </summary>
internal sealed partial class JobManagerGrain
{
    public Task<IReadOnlyDictionary<string, SubtaskMetrics?[]>?> GetFinalFiguresAsync()
    {
        if (!record.RecordExists) throw new JobNotFoundException(JobId.Parse(this.GetPrimaryKeyString()));
        if (!Job.Status.IsTerminal()) return Task.FromResult<IReadOnlyDictionary<string, SubtaskMetrics?[]>?>(null);
        var figures = Job.Vertices.ToDictionary(v => v.Uid,
            v => Enumerable.Range(0, v.Parallelism).Select(i => Job.FinalFigures.GetValueOrDefault(FiguresKey(v.Uid, i))).ToArray(), StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyDictionary<string, SubtaskMetrics?[]>?>(figures);
    }

    private static string FiguresKey(string vertexUid, int subtaskIndex) => $"{vertexUid}/{subtaskIndex}";

    /// <summary>
    /// Keeps the figures of the subtasks that did not finish (finished ones reported theirs), read once
    /// they stopped. A subtask lost with its silo answers from a fresh activation that ran no attempt: it stays without.
    /// </summary>
    private async Task KeepFinalFiguresAsync()
    {
        var attempt = Job.Attempt;
        foreach (var (uid, index, figures) in await ProbeAllAsync((uid, index) => !Job.FinalFigures.ContainsKey(FiguresKey(uid, index))))
        {
            if (figures?.Attempt == attempt) Job.FinalFigures[FiguresKey(uid, index)] = figures;
        }
    }
}
