using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>
/// Fires each time its window has received <see cref="MaxCount"/> more elements (Flink's <c>CountTrigger</c>).
/// The count is per window state, so it is checkpointed; merged windows add their counts.
/// </summary>
public sealed class CountTrigger : Trigger<Window>
{
    /// <summary>The trigger's state name (Flink's).</summary>
    public static readonly ValueStateDescriptor<long> CountState = new("count");

    private CountTrigger(long maxCount) => MaxCount = maxCount;

    public long MaxCount { get; }

    public static CountTrigger Of(long maxCount) => maxCount > 0
        ? new(maxCount)
        : throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"CountTrigger: the count must be at least 1, got {maxCount}; pass how many elements make the window fire.");

    public override TriggerResult OnElement<T>(T element, long timestamp, Window window, ITriggerContext context)
    {
        var count = context.GetPartitionedState(CountState);
        var seen = count.Value + 1;
        if (seen >= MaxCount)
        {
            count.Clear();
            return TriggerResult.Fire;
        }
        count.Update(seen);
        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext context) => TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext context) => TriggerResult.Continue;

    public override bool CanMerge => true;

    public override void OnMerge(Window window, IOnMergeContext context) => context.MergePartitionedState(CountState, (a, b) => a + b);

    public override void Clear(Window window, ITriggerContext context) => context.GetPartitionedState(CountState).Clear();

    public override string ToString() => $"CountTrigger({MaxCount})";
}
