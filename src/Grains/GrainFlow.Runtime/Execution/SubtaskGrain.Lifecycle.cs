using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sources.Alignment;
using GrainFlow.Runtime.Tasks;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Execution;

/// <summary>How an attempt ends: a source's input runs out and the attempt finishes, or it fails and is torn down; either way the job master hears of it.</summary>
internal sealed partial class SubtaskGrain
{
    /// <summary>The source's side of watermark alignment, reporting to its group's grain of this attempt; null without alignment.</summary>
    private SourceWatermarkAligner? AlignerFor(TaskDeployment deployment, OperatorChain chain)
    {
        if (chain.Source?.Alignment is not { } alignment) return null;
        var group = GrainFactory.GetGrain<IWatermarkAlignmentGrain>(WatermarkAlignmentGrainKey.For(deployment.JobId.Value, deployment.Attempt, alignment.Group));
        var reporter = $"{chain.Source.Uid}/{deployment.SubtaskIndex}";
        return new SourceWatermarkAligner(alignment, watermark => group.ReportAsync(reporter, watermark, alignment.MaxAllowedDriftMs), time);
    }

    private async Task RunSourceAsync(TaskDeployment deployment, OperatorChain chain, CancellationToken cancellation)
    {
        try
        {
            if (await new SourceLoop(chain, _phase, _batchSize, time, AlignerFor(deployment, chain)).RunAsync(cancellation))
            {
                // The input ended (or a drain ended it): event time goes to its end, firing every window and timer, before end-of-input.
                chain.Watermarks.ForwardEndOfTime();
                await FinishAsync(deployment, chain);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e) when (IsCurrent(deployment))
        {
            Fail(e);
        }
    }

    /// <summary>Every input ended: the chain takes the end of input, and once it went out the attempt is finished and says so.</summary>
    private async Task FinishAsync(TaskDeployment deployment, OperatorChain chain)
    {
        if (!_phase.TryBeginFinishing()) return;
        await chain.EndInputAsync();
        if (!IsCurrent(deployment) || !_phase.TryFinish()) return;
        chain.Close(LogCloseFailed);
        // Nothing to flush or fire any more; without the timers the activation can be collected when idle.
        StopTimers();
        await SettleSnapshotWritesAsync();
        _ = ReporterFor(deployment).ReportFinishedAsync(Figures());
    }

    private void Fail(Exception exception)
    {
        if (_deployment is not { } deployment || !_phase.TryFail()) return;
        Teardown();
        _ = ReporterFor(deployment).ReportFailureAsync(exception);
    }

    private JobMasterReporter ReporterFor(TaskDeployment deployment) =>
        new(GrainFactory.GetGrain<IJobMasterGrain>(deployment.JobId.Value), deployment, time, logger);

    /// <summary>Stops the running attempt: its work is cancelled, held input calls return, its operators close and are let go.</summary>
    private void Teardown()
    {
        _cancellation.Cancel();
        _input?.Abandon();
        StopTimers();
        ReleaseChain();
    }

    private void ReleaseChain()
    {
        _chain?.Release(LogCloseFailed);
        _chain = null;
    }

    private void LogCloseFailed(IStreamOperator op, Exception exception) => LogCloseFailed(exception, op.Uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing operator {Uid} failed")]
    private partial void LogCloseFailed(Exception exception, string uid);
}
