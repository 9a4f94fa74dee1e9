namespace GrainFlow.Runtime.Sources.Alignment;

/// <summary>
/// The watermarks reported by the source subtasks of one alignment group, and how far each may go
/// (Flink's source coordinator does this per group): the lowest reported watermark plus the drift the
/// reporter allows. A source that is idle or finished reports <see cref="long.MaxValue"/> and so holds
/// nobody back; one that has not reported yet is not waited for.
/// </summary>
internal sealed class WatermarkAlignmentGroup
{
    private readonly Dictionary<string, long> _watermarks = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="reporter"/>'s watermark; returns the highest watermark it may reach before it pauses.</summary>
    public long Report(string reporter, long watermark, long maxAllowedDriftMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAllowedDriftMs);
        _watermarks[reporter] = watermark;
        var lowest = _watermarks.Values.Min();
        // Saturating: a group whose sources all finished, or one that starts at long.MinValue, must not overflow.
        return lowest > long.MaxValue - maxAllowedDriftMs ? long.MaxValue : lowest + maxAllowedDriftMs;
    }
}
