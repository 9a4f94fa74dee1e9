using System.Text.RegularExpressions;
using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Flink's checkpoint directory layout within the checkpoint store:
/// <c>&lt;jobId&gt;/chk-&lt;n&gt;/_metadata</c> plus the data files of checkpoint n, and the reserved
/// <c>&lt;jobId&gt;/shared/</c> and <c>&lt;jobId&gt;/taskowned/</c>. A <c>chk-n</c> without <c>_metadata</c> is
/// not a checkpoint (it was aborted or is in flight). A subtask's state file is
/// <c>&lt;vertex uid&gt;-&lt;subtask&gt;-&lt;32 hex&gt;.state</c>.
/// </summary>
public static partial class CheckpointLayout
{
    public const string MetadataFileName = "_metadata";
    public const string CheckpointPrefix = "chk-";

    public static string JobDirectory(JobId jobId) => $"{jobId}/";

    public static string CheckpointDirectory(JobId jobId, long checkpointId) => $"{jobId}/{CheckpointPrefix}{checkpointId}/";

    /// <summary>A new, unique name for the state file of subtask <paramref name="subtaskIndex"/> of <paramref name="vertexUid"/>.</summary>
    public static string NewStateFileName(string vertexUid, int subtaskIndex) => $"{vertexUid}-{subtaskIndex}-{Guid.NewGuid():N}.state";

    /// <summary>Whether <paramref name="name"/> (relative to a checkpoint directory) is a name <see cref="NewStateFileName"/> gives.</summary>
    public static bool IsStateFileName(string name) => StateFileName().IsMatch(name);

    [GeneratedRegex(@"^.+-[0-9]+-[0-9a-f]{32}\.state\z", RegexOptions.CultureInvariant)]
    private static partial Regex StateFileName();
}
