using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Tests.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CheckpointRequestDeciderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static CheckpointRequestDecider Decider(params (string Key, string Value)[] settings) =>
        new(new GrainFlowConfiguration(settings.Select(s => new KeyValuePair<string, string>(s.Key, s.Value))), Start);

    [Fact]
    public void Periodic_checkpoint_is_due_one_interval_after_the_start_and_then_every_interval()
    {
        var decider = Decider(("execution.checkpointing.interval", "10 s"));

        Assert.Equal(TriggerDecision.Wait, decider.Decide(Start + TimeSpan.FromSeconds(9.9), 0, false, false));
        Assert.Equal(TriggerDecision.TriggerCheckpoint, decider.Decide(Start + TimeSpan.FromSeconds(10), 0, false, false));
        Assert.Equal(TriggerDecision.Wait, decider.Decide(Start + TimeSpan.FromSeconds(19), 0, false, false));
        Assert.Equal(TriggerDecision.TriggerCheckpoint, decider.Decide(Start + TimeSpan.FromSeconds(20), 0, false, false));
    }

    [Fact]
    public void Without_an_interval_no_periodic_checkpoint_is_triggered_but_the_final_one_is()
    {
        var decider = Decider();

        Assert.Equal(TriggerDecision.Wait, decider.Decide(Start + TimeSpan.FromHours(1), 0, false, false));
        decider.DueNow(Start + TimeSpan.FromHours(1));
        Assert.Equal(TriggerDecision.TriggerCheckpoint, decider.Decide(Start + TimeSpan.FromHours(1), 0, finalCheckpointDue: true, false));
    }

    [Fact]
    public void No_checkpoint_is_triggered_while_max_concurrent_checkpoints_are_in_flight()
    {
        var decider = Decider(("execution.checkpointing.interval", "1 s"), ("execution.checkpointing.max-concurrent-checkpoints", "2"));

        Assert.Equal(TriggerDecision.Wait, decider.Decide(Start + TimeSpan.FromSeconds(1), 2, false, false));
        Assert.Equal(TriggerDecision.TriggerCheckpoint, decider.Decide(Start + TimeSpan.FromSeconds(1), 1, false, false));
    }

    [Fact]
    public void Min_pause_counts_from_the_last_completion()
    {
        var decider = Decider(("execution.checkpointing.interval", "1 s"), ("execution.checkpointing.min-pause", "5 s"));
        decider.LastCompletion = Start + TimeSpan.FromSeconds(1);

        Assert.Equal(TriggerDecision.Wait, decider.Decide(Start + TimeSpan.FromSeconds(5.9), 0, false, false));
        Assert.Equal(TriggerDecision.TriggerCheckpoint, decider.Decide(Start + TimeSpan.FromSeconds(6), 0, false, false));
    }

    [Fact]
    public void Final_savepoint_is_retriggered_only_when_nothing_is_in_flight()
    {
        var decider = Decider(("execution.checkpointing.interval", "1 s"));

        Assert.Equal(TriggerDecision.Wait, decider.Decide(Start + TimeSpan.FromSeconds(5), 1, false, finalSavepointDue: true));
        Assert.Equal(TriggerDecision.TriggerFinalSavepoint, decider.Decide(Start + TimeSpan.FromSeconds(5), 0, false, finalSavepointDue: true));
    }

    [Theory]
    [InlineData("100 ms", 25)]
    [InlineData("10 ms", 10)]
    [InlineData("1 min", 1000)]
    public void Timer_ticks_at_a_quarter_of_the_interval_between_10_ms_and_1_s(string interval, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Decider(("execution.checkpointing.interval", interval)).Tick);
    }
}
