using System.Text.RegularExpressions;
using GrainFlow.Configuration;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Where the shared files of an incremental checkpoint are: its shared paths (<c>&lt;job id&gt;/shared/&lt;name&gt;</c>) are
/// relative to the root of the checkpoint storage, two levels above its <c>&lt;job id&gt;/chk-&lt;n&gt;/</c> directory.
/// </summary>
public static partial class SharedStateRoot
{
    /// <summary>
    /// The store and key prefix below which the shared paths of the snapshot at <paramref name="location"/> lie, or null
    /// when the snapshot is not a <c>&lt;job id&gt;/chk-&lt;n&gt;</c> of a checkpoint storage (a savepoint has no shared files).
    /// </summary>
    /// <exception cref="ArgumentException">The storage root is not a location GrainFlow can open.</exception>
    public static (IObjectStore Store, string RootKey)? Of(SnapshotLocation location, GrainFlowConfiguration configuration)
    {
        if (CheckpointDirectory().Match(location.DirectoryKey) is { Success: true } key) return (location.Store, key.Groups["root"].Value);
        // A store opened at the checkpoint's own directory (a snapshot a job was started from): open its storage root.
        var path = location.ExternalPath.TrimEnd('/');
        return location.DirectoryKey.Length == 0 && CheckpointDirectory().Match(path + "/") is { Success: true } external && external.Groups["root"].Length > 1
            ? (SnapshotLocation.At(external.Groups["root"].Value, configuration).Store, "")
            : null;
    }

    [GeneratedRegex(@"^(?<root>.*?)[0-9a-f]{32}/chk-[0-9]+/\z", RegexOptions.CultureInvariant)]
    private static partial Regex CheckpointDirectory();
}
