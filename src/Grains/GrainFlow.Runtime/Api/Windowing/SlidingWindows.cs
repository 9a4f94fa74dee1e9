namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>What the event-time and processing-time sliding assigners share.</summary>
internal static class SlidingWindows
{
    public static (long Size, long Slide, long Offset) Validate(string assigner, TimeSpan size, TimeSpan slide, TimeSpan offset)
    {
        var sizeMs = WindowParameters.Length(assigner, "size", size);
        var slideMs = WindowParameters.Length(assigner, "slide", slide);
        if (slideMs > sizeMs)
        {
            // Flink accepts this; the elements between two windows would then belong to none and vanish without a trace.
            throw new ArgumentException(
                $"{assigner}: the slide ({slide}) is larger than the size ({size}), so elements between windows would belong to no window and be lost; " +
                "use a slide no larger than the size (slide = size is a tumbling window).", nameof(slide));
        }
        return (sizeMs, slideMs, WindowParameters.Offset(assigner, "slide", slideMs, offset));
    }

    /// <summary>The windows containing <paramref name="timestamp"/>, latest start first (Flink's order).</summary>
    public static List<TimeWindow> Containing(long timestamp, long size, long slide, long offset)
    {
        var windows = new List<TimeWindow>((int)Math.Min(size / slide + 1, 1024));
        for (var start = TimeWindow.GetWindowStartWithOffset(timestamp, offset, slide); start > timestamp - size; start -= slide)
        {
            windows.Add(new TimeWindow(start, start + size));
        }
        return windows;
    }
}
