using GrainFlow.Jobs;

namespace GrainFlow.Runtime.Execution;

/// <summary>The key of a subtask grain: "&lt;job id&gt;/&lt;vertex uid&gt;/&lt;subtask index&gt;".</summary>
public static class SubtaskKey
{
    public static string Of(JobId jobId, string vertexUid, int subtaskIndex) => $"{jobId}/{vertexUid}/{subtaskIndex}";

    /// <summary>Splits a key into "&lt;job id&gt;/&lt;vertex uid&gt;" and the subtask index.</summary>
    public static bool TryParse(string key, out string vertexPrefix, out int subtaskIndex)
    {
        var slash = key.LastIndexOf('/');
        vertexPrefix = slash < 0 ? "" : key[..slash];
        subtaskIndex = 0;
        return slash >= 0 && int.TryParse(key.AsSpan(slash + 1), out subtaskIndex);
    }
}
