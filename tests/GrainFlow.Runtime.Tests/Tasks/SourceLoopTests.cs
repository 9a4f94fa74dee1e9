using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Sources.Alignment;
using GrainFlow.Runtime.Tasks;
using GrainFlow.Testing.Polling;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task AnAlignedSourceAheadOfItsGroupPollsOnlyOnceTheGroupCaughtUpAndReleasesTheGroupAtTheEnd()
    {
        var clock = new FakeTimeProvider();
        var group = new WatermarkAlignmentGroup();
        var alignment = WatermarkAlignment.Create("views", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        group.Report("other", 1_000, alignment.MaxAllowedDriftMs);
        var reports = new List<long>();
        var aligner = new SourceWatermarkAligner(alignment, watermark =>
        {
            lock (reports) reports.Add(watermark);
            return Task.FromResult(group.Report("this", watermark, alignment.MaxAllowedDriftMs));
        }, clock);
        var source = new ScriptedSource(SourcePollStatus.MoreAvailable, SourcePollStatus.EndOfInput) { Watermark = 5_000 };

        var loop = new SourceLoop(new OperatorChain([source], null, null), RunningPhase(), 10, clock, aligner).RunAsync(CancellationToken.None);
        await Poll.UntilAsync(() => { lock (reports) return reports.Count > 0; }, "the source's first report");

        // 5 000 is more than 1 s ahead of the group's lowest watermark (1 000): no poll, however often it asks again.
        for (var i = 0; i < 3; i++) clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, source.Polls);
        Assert.Equal(2_000, aligner.MaxAllowedWatermark);

        group.Report("other", 4_500, alignment.MaxAllowedDriftMs);
        await Poll.UntilAsync(() =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            return loop.IsCompleted;
        }, "the source to run to its end once the group caught up");

        Assert.True(await loop);
        Assert.Equal(2, source.Polls);
        lock (reports) Assert.Equal(long.MaxValue, reports[^1]);
    }

    [Fact]
    public async Task AnIdleAlignedSourceHoldsNobodyBackAndIsNeverPaused()
    {
        var group = new WatermarkAlignmentGroup();
        var alignment = WatermarkAlignment.Create("views", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        group.Report("other", 1_000, alignment.MaxAllowedDriftMs);
        var aligner = new SourceWatermarkAligner(alignment, watermark => Task.FromResult(group.Report("this", watermark, alignment.MaxAllowedDriftMs)), TimeProvider.System);
        var source = new ScriptedSource(SourcePollStatus.EndOfInput) { Watermark = 5_000, Idle = true };

        Assert.True(await new SourceLoop(new OperatorChain([source], null, null), RunningPhase(), 10, TimeProvider.System, aligner).RunAsync(CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(1, source.Polls);
        Assert.Equal(1_000 + 1_000, group.Report("other", 1_000, alignment.MaxAllowedDriftMs));
    }

    /// <summary>Answers each poll with the next status of its script, repeating the last one.</summary>
    private sealed class ScriptedSource(params SourcePollStatus[] script) : SourceDriver("source", "Source")
    {
        private readonly TaskCompletionSource _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Polls { get; private set; }

        public Action? OnPoll { get; init; }

        public Task FirstPoll => _firstPoll.Task;

        public override IReadOnlyDictionary<string, long> CurrentOffsets => new Dictionary<string, long> { ["split-0"] = Polls };

        public override WatermarkAlignment? Alignment => null;

        public long Watermark { get; init; } = long.MinValue;

        public bool Idle { get; init; }

        public override long CurrentWatermark => Watermark;

        public override bool IsIdle => Idle;

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
