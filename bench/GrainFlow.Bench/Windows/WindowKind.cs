namespace GrainFlow.Bench.Windows;

/// <summary>The window aggregations of issue 13 §5: tumbling 10 s, sliding 10 s every 2 s, sessions with a 10 s gap.</summary>
internal enum WindowKind
{
    Tumbling,
    Sliding,
    Session,
}

internal static class WindowKinds
{
    public static readonly TimeSpan Size = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Slide = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Gap = TimeSpan.FromSeconds(10);

    /// <summary>How many windows each event is counted in, so the counts emitted must add up to events × this.</summary>
    public static long WindowsPerEvent(WindowKind kind) => kind == WindowKind.Sliding ? Size.Ticks / Slide.Ticks : 1;

    public static string Describe(WindowKind kind) => kind switch
    {
        WindowKind.Tumbling => "tumbling 10 s",
        WindowKind.Sliding => "sliding 10 s / 2 s",
        _ => "session gap 10 s",
    };
}
