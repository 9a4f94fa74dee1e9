namespace GrainFlow.Runtime.Sources.Alignment;

/// <summary>The grain of one alignment group: an Orleans adapter over <see cref="WatermarkAlignmentGroup"/>.</summary>
internal sealed class WatermarkAlignmentGrain : Grain, IWatermarkAlignmentGrain
{
    private readonly WatermarkAlignmentGroup _group = new();

    public Task<long> ReportAsync(string reporter, long watermark, long maxAllowedDriftMs) =>
        Task.FromResult(_group.Report(reporter, watermark, maxAllowedDriftMs));
}
