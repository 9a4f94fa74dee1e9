namespace GrainFlow.Runtime.Api.Time;

/// <summary>
/// Adds idleness to another generator (Flink's <c>WatermarksWithIdleness</c>): when no record came for
/// longer than the timeout, the stream is marked idle, so it stops holding back the watermark of its
/// consumers; its next record makes it active again. Checked only at periodic emissions: the countdown
/// starts at the first emission that saw no record since the one before, and the stream goes idle at the
/// first emission after more than the timeout since then. Time is read from a <see cref="TimeProvider"/>.
/// </summary>
public sealed class WatermarksWithIdleness<T> : IWatermarkGenerator<T>
{
    private readonly IWatermarkGenerator<T> _watermarks;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private bool _activitySinceLastCheck;
    private long? _inactiveSince;
    private bool _idle;

    public WatermarksWithIdleness(IWatermarkGenerator<T> watermarks, TimeSpan idleTimeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(watermarks);
        ArgumentNullException.ThrowIfNull(time);
        WatermarkDurations.ToMilliseconds(idleTimeout, nameof(idleTimeout), "idle timeout", allowZero: false);
        _watermarks = watermarks;
        _idleTimeout = idleTimeout;
        _time = time;
    }

    public void OnEvent(T element, long eventTimestamp, IWatermarkOutput output)
    {
        _watermarks.OnEvent(element, eventTimestamp, output);
        _activitySinceLastCheck = true;
        if (!_idle) return;
        _idle = false;
        output.MarkActive();
    }

    public void OnPeriodicEmit(IWatermarkOutput output)
    {
        if (IsIdleNow())
        {
            if (_idle) return;
            _idle = true;
            output.MarkIdle();
        }
        else
        {
            _watermarks.OnPeriodicEmit(output);
        }
    }

    private bool IsIdleNow()
    {
        if (_activitySinceLastCheck)
        {
            _activitySinceLastCheck = false;
            _inactiveSince = null;
            return false;
        }
        if (_inactiveSince is not { } since)
        {
            _inactiveSince = _time.GetTimestamp();
            return false;
        }
        return _time.GetElapsedTime(since) > _idleTimeout;
    }
}
