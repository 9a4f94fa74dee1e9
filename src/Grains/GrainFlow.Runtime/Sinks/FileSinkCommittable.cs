using System.Text.Json;
using GrainFlow.Errors;

namespace GrainFlow.Runtime.Sinks;

/// <summary>
/// One transaction of the file sink: the absolute directory its parts were staged in and the staged
/// part names. The directory is recorded because it belongs to the job that wrote the parts: a job
/// restored from a savepoint has a new job id, and so perhaps a different sink directory, yet it must
/// commit the old job's transactions where they are.
/// </summary>
/// <remarks>
/// Stored as JSON <c>{"Directory":"/abs/dir","Parts":[".part-&lt;uid&gt;-&lt;subtask&gt;-&lt;n&gt;.inprogress"]}</c>.
/// Snapshots written before the directory was recorded hold a bare JSON list of part names; those
/// are read against the restoring sink's own directory, which is where they were staged as long as
/// the job keeps its output directory.
/// </remarks>
internal sealed record FileSinkCommittable(string Directory, IReadOnlyList<string> Parts)
{
    private const string InProgressPrefix = ".part-";
    private const string InProgressSuffix = ".inprogress";

    public string Serialize() => JsonSerializer.Serialize(new Stored(Directory, Parts.ToList()));

    /// <summary>The committed name of staged part <paramref name="part"/> (validated by <see cref="Parse"/>).</summary>
    public static string CommittedNameOf(string part) => part[1..^InProgressSuffix.Length] + ".jsonl";

    /// <summary>Reads a committable from a snapshot (an external input), checking the directory and every part name.</summary>
    /// <param name="legacyDirectory">Where parts of the older format (no directory recorded) are looked for.</param>
    /// <exception cref="NonRecoverableJobException">Not a committable of the file sink: no restart can make it one.</exception>
    public static FileSinkCommittable Parse(string committable, string legacyDirectory)
    {
        FileSinkCommittable parsed;
        try
        {
            parsed = committable.TrimStart().StartsWith('[')
                ? new FileSinkCommittable(legacyDirectory, JsonSerializer.Deserialize<List<string>>(committable) ?? [])
                : JsonSerializer.Deserialize<Stored>(committable) is { Directory: { } directory, Parts: { } parts }
                    ? new FileSinkCommittable(directory, parts)
                    : throw Invalid(committable, "the directory or the parts are missing");
        }
        catch (JsonException e)
        {
            throw Invalid(committable, e.Message);
        }
        if (!Path.IsPathFullyQualified(parsed.Directory)) throw Invalid(committable, $"the directory '{parsed.Directory}' is not an absolute path");
        foreach (var part in parsed.Parts)
        {
            if (!IsInProgressName(part)) throw Invalid(committable, $"'{part}' is not the name of a staged part file");
        }
        return parsed;
    }

    private static bool IsInProgressName(string part) =>
        part.Length > InProgressPrefix.Length + InProgressSuffix.Length
        && part.StartsWith(InProgressPrefix, StringComparison.Ordinal)
        && part.EndsWith(InProgressSuffix, StringComparison.Ordinal)
        && Path.GetFileName(part) == part
        && part.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;

    private static NonRecoverableJobException Invalid(string committable, string reason) =>
        new($"The snapshot's file sink transaction '{committable}' cannot be read: {reason}. The snapshot is damaged or was not written by GrainFlow's file sink.");

    private sealed record Stored(string? Directory, List<string>? Parts);
}
