namespace GrainFlow.Runtime.Execution;

/// <summary>Names of the storage GrainFlow's own grains persist through.</summary>
public static class GrainFlowStorage
{
    /// <summary>The <c>IGrainStorage</c> provider for job records and the job registry.</summary>
    public const string ProviderName = "grainflow";
}
