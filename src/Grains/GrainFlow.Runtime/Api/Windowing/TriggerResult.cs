namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>What a trigger decides for its window (Flink's <c>TriggerResult</c>): fire (emit the window's result), purge (drop its contents), both, or nothing.</summary>
[Flags]
public enum TriggerResult
{
    Continue = 0,
    Fire = 1,
    Purge = 2,
    FireAndPurge = Fire | Purge,
}

public static class TriggerResultExtensions
{
    public static bool IsFire(this TriggerResult result) => (result & TriggerResult.Fire) != 0;

    public static bool IsPurge(this TriggerResult result) => (result & TriggerResult.Purge) != 0;
}
