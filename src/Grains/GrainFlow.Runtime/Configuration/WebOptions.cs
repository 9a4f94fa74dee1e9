using GrainFlow.Configuration;

namespace GrainFlow.Runtime.Configuration;

/// <summary>Flink's <c>web.*</c> keys that GrainFlow reads; set cluster-wide in the silo configuration or per job.</summary>
public static class WebOptions
{
    public const int MaxCheckpointsHistory = 1000;

    /// <summary>How many checkpoints the statistics keep for the REST API and the dashboard's history (Flink's default, 10).</summary>
    public static readonly ConfigOption<int> CheckpointsHistory = ConfigOptions.Key("web.checkpoints.history").IntType()
        .WithCheck(n => n is >= 1 and <= MaxCheckpointsHistory ? null : $"the history keeps from 1 to {MaxCheckpointsHistory} checkpoints",
            $"a number of checkpoints from 1 to {MaxCheckpointsHistory}")
        .WithDefault(10)
        .WithDescription("Number of checkpoints to remember for recent history (GET /jobs/:jobid/checkpoints and the dashboard's checkpoint tab).");

    public static IReadOnlyList<ConfigOption> All { get; } = [CheckpointsHistory];
}
