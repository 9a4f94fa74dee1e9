using System.Diagnostics;

namespace GrainFlow.Client.Output;

/// <summary>
/// Shows that a long wait (a savepoint of large state, a checkpoint) is still going: after Flink's
/// <c>Waiting for response...</c>, one line with the elapsed seconds every <see cref="Every"/>.
/// </summary>
internal sealed class WaitProgress(TextWriter output, string what)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private TimeSpan _nextReport = Every;

    public TimeSpan Elapsed => _elapsed.Elapsed;

    /// <summary>Call between polls; prints a line when another <see cref="Every"/> has passed.</summary>
    public void Tick()
    {
        if (_elapsed.Elapsed < _nextReport) return;
        output.WriteLine($"Still waiting for {what} ({(int)_elapsed.Elapsed.TotalSeconds} s)...");
        _nextReport += Every;
    }
}
