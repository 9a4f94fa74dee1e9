using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;

namespace GrainFlow.Runtime.Tests.Execution;

[Trait("Category", "Unit")]
public sealed class SubtaskHeartbeatsTests
{
    private static readonly JobId Job = JobId.New();

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static SubtaskMetrics Running(long attempt, string silo = "S1") =>
        new("RUNNING", silo, 0, 0, 4, 0, 0, new Dictionary<string, long>(), attempt);

    private static SubtaskMetrics Fresh(string silo) =>
        new("IDLE", silo, 0, 0, 0, 0, 0, new Dictionary<string, long>(), 0);

    [Fact]
    public void ARoundWhereEverySubtaskRunsTheAttemptFindsNothing()
    {
        var heartbeats = new SubtaskHeartbeats(new ManualClock(), TimeSpan.FromSeconds(10));
        heartbeats.Reset(3);
        Assert.Null(heartbeats.Judge(Job, [("numbers", 0, Running(3)), ("count", 0, Running(3))]));
    }

    [Fact]
    public void ASubtaskAnsweringFromAFreshActivationIsLostWithWhereAndWhatItAnswered()
    {
        var heartbeats = new SubtaskHeartbeats(new ManualClock(), TimeSpan.FromSeconds(10));
        heartbeats.Reset(2);
        var problem = heartbeats.Judge(Job, [("numbers", 0, Running(2)), ("numbers", 1, Fresh("S9"))]);

        Assert.NotNull(problem);
        Assert.Equal("GrainFlow.SubtaskLostException", problem!.ExceptionType);
        Assert.Equal("numbers subtask 1", problem.Origin);
        Assert.Contains("no longer runs attempt 2", problem.Message);
        Assert.Contains("S9 is IDLE with attempt 0", problem.Message);
        Assert.Contains(Job.Value, problem.Message);
    }

    [Fact]
    public void UnansweredHeartbeatsAreToleratedUntilTheTimeoutThenFailTheSubtask()
    {
        var clock = new ManualClock();
        var heartbeats = new SubtaskHeartbeats(clock, TimeSpan.FromSeconds(10));
        heartbeats.Reset(1);
        Assert.Null(heartbeats.Judge(Job, [("count", 0, Running(1)), ("count", 1, Running(1))]));

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(heartbeats.Judge(Job, [("count", 0, Running(1)), ("count", 1, null)]));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Null(heartbeats.Judge(Job, [("count", 0, Running(1)), ("count", 1, null)]));
        clock.Advance(TimeSpan.FromSeconds(2));
        var problem = heartbeats.Judge(Job, [("count", 0, Running(1)), ("count", 1, null)]);

        Assert.NotNull(problem);
        Assert.Equal("GrainFlow.HeartbeatTimeoutException", problem!.ExceptionType);
        Assert.Equal("count subtask 1", problem.Origin);
        Assert.Contains("no answer for 11 s", problem.Message);
    }

    [Fact]
    public void AnAnswerResetsTheSilenceAndANewAttemptStartsWithACleanSlate()
    {
        var clock = new ManualClock();
        var heartbeats = new SubtaskHeartbeats(clock, TimeSpan.FromSeconds(10));
        heartbeats.Reset(1);
        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Null(heartbeats.Judge(Job, [("count", 0, Running(1))]));
        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Null(heartbeats.Judge(Job, [("count", 0, null)]));

        clock.Advance(TimeSpan.FromSeconds(8));
        heartbeats.Reset(2);
        Assert.Null(heartbeats.Judge(Job, [("count", 0, null)]));
        Assert.NotNull(heartbeats.Judge(Job, [("count", 0, Running(1))]));
    }
}
