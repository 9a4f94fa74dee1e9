using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Bench.Windows;

/// <summary>Adds up the window counts it receives (in this process), so a run can prove every event was counted in every window it belongs to.</summary>
internal sealed class CountedSink : ISink<long>
{
    private static long _total;
    private static long _windows;

    public static (long Total, long Windows) TakeTotals() => (Interlocked.Exchange(ref _total, 0), Interlocked.Exchange(ref _windows, 0));

    /// <summary>The counts published so far in this run (the writers publish at the end of every batch).</summary>
    public static long CountedSoFar => Interlocked.Read(ref _total);

    public ISinkWriter<long> CreateWriter(SubtaskInfo subtask) => new Writer();

    private sealed class Writer : ISinkWriter<long>
    {
        private long _total;
        private long _windows;

        public void Write(long count)
        {
            _total += count;
            _windows++;
        }

        public ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken)
        {
            Publish();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Publish();
            return ValueTask.CompletedTask;
        }

        private void Publish()
        {
            Interlocked.Add(ref CountedSink._total, _total);
            Interlocked.Add(ref CountedSink._windows, _windows);
            _total = _windows = 0;
        }
    }
}
