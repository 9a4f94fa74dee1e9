using System.Security.Cryptography;

namespace GrainFlow.Silo.Rest.Operations;

/// <summary>Flink's trigger ids: 32 lowercase hex digits, chosen by the client for idempotent retries or by the server.</summary>
public static class TriggerIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string text) => text.Length == 32 && text.All(char.IsAsciiHexDigit);
}
