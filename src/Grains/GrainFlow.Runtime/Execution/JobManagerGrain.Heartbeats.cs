using GrainFlow.Jobs;
using GrainFlow.Runtime.Configuration;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>The job manager's heartbeats: finds the subtasks a dead silo took with it, which nobody reports.</summary>
internal sealed partial class JobManagerGrain
{
    /// <summary>Starts the heartbeat timer (once per activation); it keeps the activation alive and checks only while the job runs.</summary>
    private void StartHeartbeats()
    {
        if (_heartbeatTimer is not null) return;
        var configuration = catalog.ConfigurationFor(Job.Submission!.Configuration);
        var interval = configuration.Get(HeartbeatOptions.Interval);
        _heartbeats = new SubtaskHeartbeats(time, configuration.Get(HeartbeatOptions.Timeout));
        // Not interleaved: a round runs between the job manager's other calls, never across a restart.
        _heartbeatTimer = this.RegisterGrainTimer(_ => HeartbeatAsync(), new GrainTimerCreationOptions { DueTime = interval, Period = interval, KeepAlive = true });
        // A round waits at most this long for answers, so an unreachable silo holds up the job
        // manager briefly; a subtask that stays silent is judged by heartbeat.timeout across rounds.
        _probeTimeout = interval < MinProbeTimeout ? MinProbeTimeout : interval;
        if (_probeTimeout > _heartbeats.Timeout) _probeTimeout = _heartbeats.Timeout;
    }

    /// <summary>One heartbeat round: asks every subtask of the running attempt that has not finished which attempt it runs.</summary>
    private async Task HeartbeatAsync()
    {
        if (Job.Status != JobStatus.Running || _heartbeats is null || Job.FailoverPending) return;
        var attempt = Job.Attempt;
        if (_heartbeats.Attempt != attempt) _heartbeats.Reset(attempt);
        var answers = await ProbeAllAsync((uid, index) => !Job.FinishedSubtasks.Contains($"{uid}/{index}"));
        // The round took a while: a subtask that finished or a failure reported meanwhile wins.
        if (Job.Status != JobStatus.Running || Job.Attempt != attempt || Job.FailoverPending) return;
        var problem = _heartbeats.Judge(Job.JobId!.Value, answers.Where(a => !Job.FinishedSubtasks.Contains($"{a.VertexUid}/{a.SubtaskIndex}")).ToList());
        if (problem is null) return;
        logger.LogSubtaskLost(Job.JobId!.Value, problem.Origin, problem.Message);
        await HandleFailureAsync(problem.ToFailureCause(time.GetUtcNow()));
    }

    /// <summary>Probes the subtasks <paramref name="which"/> picks (by vertex uid and index), all at once.</summary>
    private Task<(string VertexUid, int SubtaskIndex, SubtaskMetrics? Answer)[]> ProbeAllAsync(Func<string, int, bool> which) =>
        Task.WhenAll(Job.Vertices
            .SelectMany(v => Enumerable.Range(0, v.Parallelism).Select(i => (v.Uid, Index: i)))
            .Where(s => which(s.Uid, s.Index))
            .Select(async s => (s.Uid, s.Index, await ProbeAsync(GrainFactory.GetGrain<ISubtaskGrain>(SubtaskKey.Of(Job.JobId!.Value, s.Uid, s.Index))))));

    /// <summary>The subtask's metrics, or null when it did not answer within the probe timeout.</summary>
    private async Task<SubtaskMetrics?> ProbeAsync(ISubtaskGrain subtask)
    {
        var call = subtask.GetMetricsAsync();
        try
        {
            return await call.WaitAsync(_probeTimeout, time);
        }
        catch (Exception e)
        {
            // A late failure of an abandoned call must not go unobserved.
            _ = call.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            logger.LogProbeFailed(Job.JobId!.Value, e.GetType().Name, e.Message);
            return null;
        }
    }

    private void StopHeartbeats()
    {
        _heartbeatTimer?.Dispose();
        _heartbeatTimer = null;
    }
}
