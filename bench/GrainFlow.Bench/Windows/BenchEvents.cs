using GrainFlow.Silo.Examples.UserSessions;

namespace GrainFlow.Bench.Windows;

/// <summary>
/// The user and event time of view n exactly as <see cref="UserEventGenerator"/> makes them (user
/// <c>hash(n) mod users</c> at <c>start + n · interval</c>), without the strings: the window suite
/// aggregates the same events per user as <c>user-sessions</c> does, and its plain loops replay them.
/// </summary>
internal static class BenchEvents
{
    public static long UserOf(long n, long users) => (long)(unchecked((ulong)n * 0x9E3779B97F4A7C15UL) % (ulong)users);

    public static long TimestampOf(long n, long intervalMs) => UserEventGenerator.Start + n * intervalMs;
}
