using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Tasks;

namespace GrainFlow.Runtime.Tests.Tasks;

/// <summary>The source subtask's poll loop against a scripted source: when it polls, flushes, and how it ends.</summary>
[Trait("Category", "Unit")]
public sealed class SourceLoopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static TaskPhase RunningPhase()
    {
        var phase = new TaskPhase();
        phase.Deployed();
        phase.TryStart();
        return phase;
    }

    [Fact]
    public async Task AnExhaustedSourceEndsTheInputAfterItsLastBatchWasFlushed()
    {
        var source = new ScriptedSource(SourcePollStatus.MoreAvailable, SourcePollStatus.NothingAvailable, SourcePollStatus.EndOfInput);
        var sink = new FlushCountingOperator();

        var ended = await new SourceLoop(new OperatorChain([source, sink], null, null), RunningPhase(), 10, TimeProvider.System).RunAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.True(ended);
        Assert.Equal(3, source.Polls);
        Assert.Equal(3, sink.BatchEndFlushes);
    }

    [Fact]
    public async Task ADrainRequestEndsTheInputAtTheNextPoll()
    {
        var phase = RunningPhase();
        var source = new ScriptedSource(SourcePollStatus.MoreAvailable) { OnPoll = phase.RequestEndInput };

        var ended = await new SourceLoop(new OperatorChain([source], null, null), phase, 10, TimeProvider.System).RunAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.True(ended);
        Assert.Equal(1, source.Polls);
    }

    [Fact]
    public async Task AfterAStopWithSavepointBarrierTheSourceIsNotPolledUntilTheAttemptStops()
    {
        var phase = RunningPhase();
        using var cancellation = new CancellationTokenSource();
        var source = new ScriptedSource(SourcePollStatus.MoreAvailable) { OnPoll = phase.StopSource };
        var loop = new SourceLoop(new OperatorChain([source], null, null), phase, 10, TimeProvider.System).RunAsync(cancellation.Token);
        await source.FirstPoll.WaitAsync(Patience);

        await cancellation.CancelAsync();

        // Cancelled in its wait, or seen at its next turn: either way the input did not end.
        var outcome = await Record.ExceptionAsync(async () => Assert.False(await loop.WaitAsync(Patience)));
        Assert.True(outcome is null or OperationCanceledException, outcome?.ToString());
        Assert.Equal(1, source.Polls);
    }

    [Fact]
    public async Task TheLoopEndsWithoutEndingTheInputWhenTheAttemptStopsRunning()
    {
        var phase = RunningPhase();
        var source = new ScriptedSource(SourcePollStatus.MoreAvailable) { OnPoll = () => phase.TryFail() };

        var ended = await new SourceLoop(new OperatorChain([source], null, null), phase, 10, TimeProvider.System).RunAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.False(ended);
        Assert.Equal(1, source.Polls);
    }

    /// <summary>Answers each poll with the next status of its script, repeating the last one.</summary>
    private sealed class ScriptedSource(params SourcePollStatus[] script) : SourceDriver("source", "Source")
    {
        private readonly TaskCompletionSource _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Polls { get; private set; }

        public Action? OnPoll { get; init; }

        public Task FirstPoll => _firstPoll.Task;

        public override IReadOnlyDictionary<string, long> CurrentOffsets => new Dictionary<string, long> { ["split-0"] = Polls };

        public override ValueTask<SourcePollStatus> PollAsync(int maxRecords, CancellationToken cancellationToken)
        {
            var status = script[Math.Min(Polls, script.Length - 1)];
            Polls++;
            OnPoll?.Invoke();
            _firstPoll.TrySetResult();
            return ValueTask.FromResult(status);
        }
    }

    private sealed class FlushCountingOperator() : OperatorBase<long>("sink", "Sink")
    {
        public int BatchEndFlushes { get; private set; }

        public override void Collect(long record) { }

        public override ValueTask FlushAsync(FlushReason reason)
        {
            if (reason == FlushReason.BatchEnd) BatchEndFlushes++;
            return ValueTask.CompletedTask;
        }
    }
}
