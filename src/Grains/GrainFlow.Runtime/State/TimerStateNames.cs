namespace GrainFlow.Runtime.State;

/// <summary>
/// The state names under which timer services keep their timers in snapshots (docs/CHECKPOINTS.md,
/// "Timers"). The service of a keyed process function (<see cref="UserTimers"/>) keeps its
/// processing-time timers in <c>_timers</c>, where they were before event time existed, so older
/// snapshots restore them; other services add their name in brackets. User state cannot take these names.
/// </summary>
internal static class TimerStateNames
{
    /// <summary>The timer service of a keyed process function (Flink's "user-timers").</summary>
    public const string UserTimers = "user-timers";

    private const string ProcessingPrefix = "_timers";
    private const string EventPrefix = "_event_timers";

    public static string Processing(string service) => ProcessingPrefix + Qualifier(service);

    public static string Event(string service) => EventPrefix + Qualifier(service);

    /// <summary>Whether <paramref name="stateName"/> is reserved for timers.</summary>
    public static bool IsReserved(string stateName) =>
        stateName.StartsWith(ProcessingPrefix, StringComparison.Ordinal) || stateName.StartsWith(EventPrefix, StringComparison.Ordinal);

    private static string Qualifier(string service) => service == UserTimers ? "" : $"[{service}]";
}
