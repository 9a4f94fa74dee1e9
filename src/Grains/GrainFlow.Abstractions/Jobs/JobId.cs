using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace GrainFlow.Jobs;

/// <summary>
/// A job's identity: 32 lowercase hex digits, the same shape as Flink's JobID, so that tools and
/// humans that know Flink read it the same way.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.JobId")]
public readonly record struct JobId([property: Id(0)] string Value)
{
    public static JobId New() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    public static bool TryParse(string? text, [NotNullWhen(true)] out JobId? jobId)
    {
        jobId = null;
        if (text is null || text.Length != 32) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        jobId = new JobId(text.ToLowerInvariant());
        return true;
    }

    /// <exception cref="FormatException">The text is not 32 hex digits; the message says so.</exception>
    public static JobId Parse(string text) => TryParse(text, out var id)
        ? id.Value
        : throw new FormatException($"'{text}' is not a valid job id: a job id is 32 hexadecimal characters, as printed by 'grainflow run' and 'grainflow list'.");

    public override string ToString() => Value;
}
