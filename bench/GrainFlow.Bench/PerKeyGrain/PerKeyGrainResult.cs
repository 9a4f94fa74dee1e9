namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>One measured run of the per-key-grain suite, as a child process reports it.</summary>
/// <param name="CheckpointsCompleted">GrainFlow runs only: how many checkpoints completed while the job ran.</param>
internal sealed record PerKeyGrainResult(string Description, double Seconds, long Events, long PeakBytes, int? CheckpointsCompleted)
{
    public double EventsPerSecond => Events / Seconds;
}
