namespace GrainFlow.Runtime.Sources.Alignment;

/// <summary>
/// One alignment group of one job attempt (key <c>{job id}/{attempt}/{group}</c>, see
/// <see cref="WatermarkAlignmentGrainKey"/>): source subtasks report their watermarks and learn how far
/// they may go. Held in memory only, as Flink's source coordinator holds it: a new attempt starts a new group.
/// </summary>
internal interface IWatermarkAlignmentGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="reporter"/>'s watermark; returns the highest watermark it may reach before it pauses.</summary>
    Task<long> ReportAsync(string reporter, long watermark, long maxAllowedDriftMs);
}

/// <summary>How an alignment group's grain is named.</summary>
internal static class WatermarkAlignmentGrainKey
{
    public static string For(string jobId, long attempt, string group) => $"{jobId}/{attempt}/{group}";
}
