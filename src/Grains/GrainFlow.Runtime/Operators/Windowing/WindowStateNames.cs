using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>The names of the window operator's keyed state in snapshots (Flink's where Flink has them).</summary>
internal static class WindowStateNames
{
    /// <summary>Per key and state window: the window's contents (elements, reduced value or accumulator).</summary>
    public const string Contents = "window-contents";

    /// <summary>Per key: the merging assigner's in-flight windows and their state windows.</summary>
    public const string MergingWindowSet = "merging-window-set";

    /// <summary>Prefix of state a trigger keeps per key and window, followed by its descriptor's name.</summary>
    public const string TriggerPrefix = "trigger.";

    /// <summary>Prefix of state a process window function declares, followed by its descriptor's name.</summary>
    public const string UserPrefix = "user.";

    public static string Trigger(StateDescriptor descriptor) => TriggerPrefix + descriptor.Name;

    public static string User(StateDescriptor descriptor) => UserPrefix + descriptor.Name;
}
