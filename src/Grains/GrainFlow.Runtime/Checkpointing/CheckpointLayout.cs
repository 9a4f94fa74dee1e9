using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Flink's checkpoint directory layout within the checkpoint store:
/// <c>&lt;jobId&gt;/chk-&lt;n&gt;/_metadata</c> plus the data files of checkpoint n, and the reserved
/// <c>&lt;jobId&gt;/shared/</c> and <c>&lt;jobId&gt;/taskowned/</c>. A <c>chk-n</c> without <c>_metadata</c> is
/// not a checkpoint (it was aborted or is in flight).
/// </summary>
public static class CheckpointLayout
{
    public const string MetadataFileName = "_metadata";
    public const string CheckpointPrefix = "chk-";

    public static string JobDirectory(JobId jobId) => $"{jobId}/";

    public static string CheckpointDirectory(JobId jobId, long checkpointId) => $"{jobId}/{CheckpointPrefix}{checkpointId}/";
}
