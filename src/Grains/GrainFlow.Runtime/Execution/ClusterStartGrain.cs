namespace GrainFlow.Runtime.Execution;

/// <summary>
/// An activation that only remembers whether a silo claimed the resumption of the unfinished jobs.
/// If it is lost with its silo, the next silo to start claims again: waking jobs is idempotent.
/// </summary>
[KeepAlive]
internal sealed class ClusterStartGrain : Grain, IClusterStartGrain
{
    private bool _claimed;

    public Task<bool> TryClaimJobResumptionAsync()
    {
        var first = !_claimed;
        _claimed = true;
        return Task.FromResult(first);
    }
}
