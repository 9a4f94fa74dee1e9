namespace GrainFlow.Runtime.Api.Time;

/// <summary>The one check of every duration a watermark strategy is given.</summary>
internal static class WatermarkDurations
{
    /// <summary>Longest duration accepted: a hundred years, far beyond any real bound, and far from overflowing event time.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromDays(36525);

    public static long ToMilliseconds(TimeSpan duration, string parameter, string what, bool allowZero)
    {
        if (duration < TimeSpan.Zero || (!allowZero && duration == TimeSpan.Zero))
        {
            throw new ArgumentException($"The {what} must be {(allowZero ? "zero or more" : "greater than zero")}, not {duration}.", parameter);
        }
        if (duration > Longest)
        {
            throw new ArgumentException($"The {what} of {duration} is absurd: give at most {Longest.TotalDays:0} days.", parameter);
        }
        return (long)duration.TotalMilliseconds;
    }
}
