using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>What one heartbeat round found wrong with one subtask.</summary>
internal sealed record SubtaskProblem(string VertexUid, int SubtaskIndex, string ExceptionType, string Message)
{
    public string Origin => $"{VertexUid} subtask {SubtaskIndex}";

    public FailureCause ToFailureCause(DateTimeOffset now) => new(ExceptionType, Message, Message, Origin, now);
}

/// <summary>
/// The job manager's view of its subtasks' heartbeats for one attempt: when each last answered, and
/// the verdict on a round of answers. A subtask is lost when it answers for another attempt — the
/// activation that ran it is gone (its silo died, or Orleans deactivated it without a report) and
/// the call reached a fresh, undeployed one — or when it stays silent longer than the timeout.
/// Only that positive evidence fails a job over immediately: a call that merely fails is what a
/// silo that just died looks like until the cluster declares it dead, and redeploying onto such a
/// silo would fail again; the next round, after the declaration, finds the fresh activation.
/// </summary>
internal sealed class SubtaskHeartbeats(TimeProvider time, TimeSpan timeout)
{
    private readonly Dictionary<(string Vertex, int Index), long> _lastAnswer = new();
    private long _roundStarted;

    public long Attempt { get; private set; } = -1;

    public TimeSpan Timeout => timeout;

    /// <summary>Forgets the previous attempt: every subtask of the new one starts with a clean slate.</summary>
    public void Reset(long attempt)
    {
        Attempt = attempt;
        _lastAnswer.Clear();
        _roundStarted = time.GetTimestamp();
    }

    /// <summary>
    /// Records one round of answers (null: no answer in time) and returns the first problem, or
    /// null when every subtask runs <see cref="Attempt"/> and none stayed silent too long.
    /// </summary>
    public SubtaskProblem? Judge(JobId jobId, IReadOnlyList<(string VertexUid, int SubtaskIndex, SubtaskMetrics? Answer)> round)
    {
        var now = time.GetTimestamp();
        SubtaskProblem? silent = null;
        foreach (var (vertex, index, answer) in round)
        {
            if (answer is null)
            {
                var since = _lastAnswer.TryGetValue((vertex, index), out var last) ? last : _roundStarted;
                var quiet = time.GetElapsedTime(since, now);
                if (quiet > timeout && silent is null)
                {
                    silent = new SubtaskProblem(vertex, index, "GrainFlow.HeartbeatTimeoutException",
                        $"Heartbeat of {vertex} subtask {index} of job {jobId} timed out: no answer for {Seconds(quiet)} s (heartbeat.timeout is {Seconds(timeout)} s).");
                }
                continue;
            }
            _lastAnswer[(vertex, index)] = now;
            if (answer.Attempt != Attempt)
            {
                return new SubtaskProblem(vertex, index, "GrainFlow.SubtaskLostException",
                    $"{vertex} subtask {index} of job {jobId} no longer runs attempt {Attempt}: the activation that answers on silo {answer.Silo} is "
                    + $"{answer.State} with attempt {answer.Attempt}. The activation that ran it is gone with its state (its silo left the cluster, or it was deactivated).");
            }
        }
        return silent;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
