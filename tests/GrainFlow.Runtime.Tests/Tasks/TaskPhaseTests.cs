using GrainFlow.Runtime.Tasks;

namespace GrainFlow.Runtime.Tests.Tasks;

[Trait("Category", "Unit")]
public sealed class TaskPhaseTests
{
    private static TaskPhase Running()
    {
        var phase = new TaskPhase();
        phase.Deployed();
        Assert.True(phase.TryStart());
        return phase;
    }

    [Fact]
    public void ANewSubtaskIsIdleAndTakesNoInputUntilDeployed()
    {
        var phase = new TaskPhase();
        Assert.Equal("IDLE", phase.Name);
        Assert.False(phase.IsActive);
        Assert.False(phase.TryStart());
        Assert.False(phase.TryRunOnInput());
    }

    [Fact]
    public void ADeployedAttemptRunsOnItsStartOrOnItsFirstInputAndStartsOnlyOnce()
    {
        var started = new TaskPhase();
        started.Deployed();
        Assert.Equal("DEPLOYED", started.Name);
        Assert.True(started.IsActive);
        Assert.False(started.CanProcess);
        Assert.True(started.TryStart());
        Assert.Equal("RUNNING", started.Name);
        Assert.False(started.TryStart());

        // Its upstream may start first: input makes a deployed attempt run before its start call arrives.
        var fed = new TaskPhase();
        fed.Deployed();
        Assert.True(fed.TryRunOnInput());
        Assert.True(fed.CanProcess);
        Assert.False(fed.TryStart());
    }

    [Fact]
    public void FinishingBeginsOnceAndStopsTheTimerWorkBeforeTheAttemptIsFinished()
    {
        var phase = Running();
        Assert.True(phase.CanTick);
        Assert.True(phase.TryBeginFinishing());
        Assert.False(phase.TryBeginFinishing());
        Assert.True(phase.CanProcess);
        Assert.False(phase.CanTick);
        Assert.True(phase.TryFinish());
        Assert.Equal("FINISHED", phase.Name);
        Assert.True(phase.IsFinished);
        Assert.False(phase.IsActive);
    }

    [Fact]
    public void AFailureOrCancellationDuringFinishingWins()
    {
        var failed = Running();
        failed.TryBeginFinishing();
        Assert.True(failed.TryFail());
        Assert.False(failed.TryFinish());
        Assert.Equal("FAILED", failed.Name);

        var cancelled = Running();
        cancelled.TryBeginFinishing();
        cancelled.Cancel();
        Assert.False(cancelled.TryFinish());
        Assert.Equal("CANCELED", cancelled.Name);
    }

    [Fact]
    public void AnAttemptThatIsOverFailsNoMoreAndAFinishedOneStaysFinishedWhenCancelled()
    {
        var finished = Running();
        finished.TryBeginFinishing();
        finished.TryFinish();
        Assert.False(finished.TryFail());
        finished.Cancel();
        Assert.Equal("FINISHED", finished.Name);

        var failed = Running();
        Assert.True(failed.TryFail());
        Assert.False(failed.TryFail());
        failed.Cancel();
        Assert.Equal("FAILED", failed.Name);
        Assert.False(failed.TryRunOnInput());

        var cancelled = Running();
        cancelled.Cancel();
        Assert.False(cancelled.TryFail());
        Assert.False(cancelled.IsActive);
    }

    [Fact]
    public void ANewDeploymentStartsOverFromEverythingThePreviousAttemptSwitchedOn()
    {
        var phase = Running();
        phase.Release();
        phase.StopSource();
        phase.RequestEndInput();
        phase.TryBeginFinishing();
        phase.TryFail();

        phase.Deployed();

        Assert.Equal("DEPLOYED", phase.Name);
        Assert.False(phase.IsReleased);
        Assert.False(phase.IsSourceStopped);
        Assert.False(phase.IsEndInputRequested);
        Assert.False(phase.IsFinishing);
        Assert.True(phase.TryStart());
        Assert.True(phase.TryBeginFinishing());
    }
}
