namespace GrainFlow.Client.Connection;

/// <summary>No GrainFlow silo could be reached; the CLI prints the message and exits with code 2.</summary>
public sealed class ClusterUnreachableException : Exception
{
    public const string StartHint = "Is a silo running? Start one with: dotnet run --project src/Silo/GrainFlow.Silo";

    public ClusterUnreachableException(string target, string reason, Exception? innerException = null)
        : base($"Could not connect to a GrainFlow silo at {target} ({reason}). {StartHint}", innerException)
    {
        Target = target;
        Reason = reason;
    }

    /// <summary>Where the CLI looked: the gateway list or the Redis endpoints.</summary>
    public string Target { get; }

    /// <summary>The short cause (for example "Connection refused" or "timed out after 8 s").</summary>
    public string Reason { get; }
}
