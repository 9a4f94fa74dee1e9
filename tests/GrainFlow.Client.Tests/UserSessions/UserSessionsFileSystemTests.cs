using GrainFlow.Testing.Polling;
using GrainFlow.Testing.Scenarios;

namespace GrainFlow.Client.Tests.UserSessions;

/// <summary>The session scenarios with checkpoints and savepoints on the silo's file system.</summary>
[Trait("Category", "Process")]
[Collection(UserSessionsFileSystemCollection.Name)]
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
        // About 100 views of 50 pages each: a user sees most pages, not only one parity of them.
        Assert.All(sessions, s => Assert.InRange(s.DistinctPages, 30, 50));
    }

    [Fact]
    public async Task ALineThatIsNotAPageViewGoesToTheInvalidTopicWithItsReasonAndDoesNotMoveEventTime()
    {
        // Event time well behind the wall clock, as when a backlog is read: the bad line's only time is its publish time.
        var past = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        var alice = UserSessionsDriver.Visits("alice", past, TimeSpan.FromSeconds(1), "/home", "/cart", "/checkout");
        var bob = UserSessionsDriver.Visits("bob", past, TimeSpan.FromSeconds(2), "/home", "/search");
        await Driver.PublishAsync([.. alice.Take(2), .. bob]);
        var (jobId, _) = await Driver.RunAsync("-D", "session-gap=10 s", "-D", "watermark.idleness=1 s");

        await Driver.PublishLinesAsync(["not a page view"]);
        IReadOnlyList<string> invalid = [];
        await Poll.UntilAsync(async () => (invalid = await Driver.InvalidLinesAsync()).Count > 0, "the bad line in the invalid-events topic");
        var reason = Assert.Single(invalid);
        Assert.StartsWith("not a JSON event (", reason);
        Assert.EndsWith("): not a page view", reason);

        // Alice's third view is on time: the bad line must not have closed her session.
        await Driver.PublishAsync([alice.Last(), .. LaterViewsAt(past + 60_000, "/news")]);
        var sessions = await Driver.WaitForSessionsAsync(2);
        AssertSessions(UserSessionsDriver.SessionsOf([.. alice, .. bob]), sessions);
        await CancelAsync(jobId);
    }
}
