using GrainFlow.Runtime.Api.Time;

namespace GrainFlow.Runtime.Sources.Alignment;

/// <summary>
/// The source subtask's side of watermark alignment (Flink's <c>SourceOperator</c> with alignment):
/// every update interval it reports its watermark to its group and learns the highest watermark it
/// may reach; while its watermark is above that, the source loop does not poll. An idle source reports
/// <see cref="long.MaxValue"/>, so it holds nobody back; so does one whose input ended.
/// </summary>
internal sealed class SourceWatermarkAligner(WatermarkAlignment alignment, Func<long, Task<long>> report, TimeProvider time)
{
    private long _maxAllowed = long.MaxValue;
    private long _nextReport = long.MinValue;

    /// <summary>The highest watermark this source may reach, as its group said at the last report.</summary>
    public long MaxAllowedWatermark => _maxAllowed;

    /// <summary>How long a paused source waits before it asks again: until the next report is due.</summary>
    public TimeSpan UntilNextReport => TimeSpan.FromMilliseconds(Math.Max(1, _nextReport - Now));

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Whether the source must not poll now: reports first when an update is due.</summary>
    public async ValueTask<bool> MustPauseAsync(long watermark, bool idle)
    {
        var now = Now;
        if (now >= _nextReport)
        {
            _maxAllowed = await report(idle ? long.MaxValue : watermark);
            _nextReport = now + (long)alignment.UpdateInterval.TotalMilliseconds;
        }
        return !idle && watermark > _maxAllowed;
    }

    /// <summary>The input ended: the group stops waiting for this source.</summary>
    public Task ReportEndAsync() => report(long.MaxValue);
}
