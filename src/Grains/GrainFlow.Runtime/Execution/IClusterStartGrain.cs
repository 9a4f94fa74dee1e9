namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Marks a start of the cluster (key: <see cref="DefaultKey"/>): its activation lives as long as the
/// cluster (it is never collected), so the first silo that asks after the cluster (re)started is the
/// one that resumes the unfinished jobs, and the silos starting with it do not all do the same.
/// </summary>
[Alias("grainflow.IClusterStartGrain")]
public interface IClusterStartGrain : IGrainWithStringKey
{
    const string DefaultKey = "default";

    /// <summary>True for the first call of this activation: the caller resumes the unfinished jobs.</summary>
    [Alias("TryClaimJobResumption")]
    Task<bool> TryClaimJobResumptionAsync();
}
