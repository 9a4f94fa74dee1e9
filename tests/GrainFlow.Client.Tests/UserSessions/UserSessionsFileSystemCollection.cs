namespace GrainFlow.Client.Tests.UserSessions;

/// <summary>
/// The file-system scenarios run alone, after the parallel collections (among them the Azurite scenarios): each runs a
/// silo, the CLI and jobs as processes, and two scenario classes at once on a 2-core machine slow the silo down past the
/// CLI's 8 s connect timeout.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UserSessionsFileSystemCollection
{
    public const string Name = "User sessions on the file system";
}
