namespace GrainFlow.Client.Commands;

/// <summary>The process exit codes of <c>grainflow</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bad argument, a GrainFlow error reported by the cluster, a job that did not finish, or an unexpected error.</summary>
    public const int Failure = 1;

    /// <summary>No silo could be reached.</summary>
    public const int ClusterUnreachable = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
