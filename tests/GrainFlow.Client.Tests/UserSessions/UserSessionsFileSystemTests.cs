using GrainFlow.Testing.Scenarios;

namespace GrainFlow.Client.Tests.UserSessions;

/// <summary>The session scenarios with checkpoints and savepoints on the silo's file system.</summary>
[Trait("Category", "Process")]
public sealed class UserSessionsFileSystemTests : UserSessionsScenarios
{
    protected override string[] SiloSettings => [];

    protected override string NewCheckpointDirectory(string workingDirectory) => Path.Combine(workingDirectory, $"checkpoints-{Guid.NewGuid():N}");

    [Fact]
    public async Task GeneratorModeEndsWithTheEndOfTimeWatermarkSoEverySessionCloses()
    {
        var (jobId, stdout) = await Driver.RunAsync("-D", "source=generator", "-D", "generator.events=2000", "-D", "generator.users=20", "--wait");
        Assert.Contains($"Job {jobId} finished with status FINISHED", stdout);

        // 2000 views 100 ms apart: no user pauses for the default 10 minutes, so one session per user.
        var sessions = await Driver.SessionsAsync();
        Assert.Equal(20, sessions.Count);
        Assert.Equal(20, sessions.Select(s => s.UserId).Distinct().Count());
        Assert.Equal(2000, sessions.Sum(s => s.Events));
        Assert.All(sessions, s => Assert.Equal(s.End - s.Start, s.DurationMs));
    }
}
