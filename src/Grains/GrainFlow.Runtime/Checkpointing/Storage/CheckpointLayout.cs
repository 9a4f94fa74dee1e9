using System.Text.RegularExpressions;
using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Flink's checkpoint directory layout within the checkpoint store:
/// <c>&lt;jobId&gt;/chk-&lt;n&gt;/_metadata</c> plus the data files of checkpoint n, and the reserved
/// <c>&lt;jobId&gt;/shared/</c> (files of incremental checkpoints that several checkpoints may reference) and
/// <c>&lt;jobId&gt;/taskowned/</c>. A <c>chk-n</c> without <c>_metadata</c> is not a checkpoint (it was aborted or is
/// in flight). A subtask's state file is <c>&lt;vertex uid&gt;-&lt;subtask&gt;-&lt;32 hex&gt;.state</c>; a file of an
/// incremental snapshot (shared or private) is
/// <c>&lt;operator uid&gt;-&lt;first key group&gt;-&lt;last key group&gt;-&lt;backend instance id, 32 hex&gt;-&lt;checkpoint id&gt;-&lt;local file name&gt;</c>.
/// </summary>
public static partial class CheckpointLayout
{
    public const string MetadataFileName = "_metadata";
    public const string CheckpointPrefix = "chk-";
    public const string SharedDirectoryName = "shared";

    public static string JobDirectory(JobId jobId) => $"{jobId}/";

    public static string CheckpointDirectory(JobId jobId, long checkpointId) => $"{jobId}/{CheckpointPrefix}{checkpointId}/";

    /// <summary>The directory of the job's shared incremental-snapshot files, relative to the checkpoint storage's root.</summary>
    public static string SharedDirectory(JobId jobId) => $"{jobId}/{SharedDirectoryName}/";

    /// <summary>
    /// The name of a file of an incremental snapshot: unique because the backend instance id is new for each
    /// backend instance and a local file name is never reused by one instance; the checkpoint id that uploaded it
    /// tells an orphan (of a checkpoint that never completed) from a file a checkpoint in flight just uploaded.
    /// The operator uid is escaped so that the name is one path segment.
    /// </summary>
    public static string IncrementalFileName(string operatorUid, KeyGroups.KeyGroupRange keyGroups, Guid backendId, long checkpointId, string localName) =>
        $"{Uri.EscapeDataString(operatorUid)}-{keyGroups.StartKeyGroup}-{keyGroups.EndKeyGroup}-{backendId:N}-{checkpointId}-{localName}";

    /// <summary>Whether <paramref name="name"/> is a name <see cref="IncrementalFileName"/> gives; if so, the checkpoint that uploaded it.</summary>
    public static bool IsIncrementalFileName(string name, out long checkpointId)
    {
        var match = IncrementalName().Match(name);
        checkpointId = match.Success && long.TryParse(match.Groups["checkpoint"].ValueSpan, out var id) ? id : -1;
        return checkpointId >= 0;
    }

    /// <summary>A new, unique name for the state file of subtask <paramref name="subtaskIndex"/> of <paramref name="vertexUid"/>.</summary>
    public static string NewStateFileName(string vertexUid, int subtaskIndex) => $"{vertexUid}-{subtaskIndex}-{Guid.NewGuid():N}.state";

    /// <summary>Whether <paramref name="name"/> (relative to a checkpoint directory) is a name <see cref="NewStateFileName"/> gives.</summary>
    public static bool IsStateFileName(string name) => StateFileName().IsMatch(name) || IsIncrementalFileName(name, out _);

    [GeneratedRegex(@"^.+-[0-9]+-[0-9a-f]{32}\.state\z", RegexOptions.CultureInvariant)]
    private static partial Regex StateFileName();

    // The operator uid is escaped (no '/'); a local name is what RocksDB names its files (000012.sst, MANIFEST-000005, CURRENT).
    [GeneratedRegex(@"^[A-Za-z0-9%._~-]+-[0-9]+-[0-9]+-[0-9a-f]{32}-(?<checkpoint>[0-9]+)-[A-Za-z0-9._-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex IncrementalName();
}
