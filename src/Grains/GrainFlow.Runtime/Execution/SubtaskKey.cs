using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>The key of a subtask grain: "&lt;job id&gt;/&lt;vertex uid&gt;/&lt;subtask index&gt;".</summary>
public static class SubtaskKey
{
    public static string Of(JobId jobId, string vertexUid, int subtaskIndex) => $"{jobId}/{vertexUid}/{subtaskIndex}";

    public static bool TryParseIndex(string key, out int subtaskIndex)
    {
        var slash = key.LastIndexOf('/');
        subtaskIndex = 0;
        return slash >= 0 && int.TryParse(key.AsSpan(slash + 1), out subtaskIndex);
    }
}
