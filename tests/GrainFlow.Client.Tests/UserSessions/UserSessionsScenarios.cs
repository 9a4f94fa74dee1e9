using System.Text.RegularExpressions;
using GrainFlow.Silo.Examples.UserSessions;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Processes;
using GrainFlow.Testing.Scenarios;

namespace GrainFlow.Client.Tests.UserSessions;

/// <summary>
/// Seed 000's session scenario (issue 13 §3 a–d) as a user runs it: the <c>grainflow</c> executable
/// publishes page views, runs, cancels, stops and resumes <c>user-sessions</c> on a silo process,
/// and reads the closed sessions back read-committed. Each storage (file system, Azurite) runs
/// every scenario; each scenario has its own topics and its own checkpoint directory, so that
/// <c>--resume latest</c> finds only its own snapshots.
/// </summary>
public abstract class UserSessionsScenarios : IAsyncLifetime
{
    private static readonly TimeSpan ViewSpacing = TimeSpan.FromSeconds(1);
    private static readonly string[] LaterUsers = ["carol", "dave", "erin", "frank"];

    private readonly TemporaryDirectory _directory = new("grainflow-user-sessions");
    private SiloProcess _silo = null!;

    /// <summary>Settings the silo needs for this storage (none for the file system).</summary>
    protected abstract string[] SiloSettings { get; }

    /// <summary>A checkpoint directory no other scenario uses.</summary>
    protected abstract string NewCheckpointDirectory(string workingDirectory);

    /// <summary>How GrainFlow names <paramref name="checkpointDirectory"/> in what it reports (a blob container by its URL).</summary>
    protected virtual string Reported(string checkpointDirectory) => checkpointDirectory;

    protected UserSessionsDriver Driver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync(_directory.Path, SiloSettings);
        Driver = new UserSessionsDriver(_directory.Path, () => _silo.GatewayPort, () => _silo.Output);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Alice's and Bob's views at the start of event time: a session each.</summary>
    private static UserEvent[] EarlyViews =>
        [.. UserSessionsDriver.Visits("alice", UserSessionsDriver.T0, ViewSpacing, "/home", "/cart", "/checkout"),
         .. UserSessionsDriver.Visits("bob", UserSessionsDriver.T0 + 500, ViewSpacing * 2, "/home", "/search", "/home")];

    /// <summary>One view per later user at <paramref name="secondsAfterT0"/>; four users, so every partition of the topic gets one.</summary>
    private static UserEvent[] LaterViews(int secondsAfterT0, string page) => LaterViewsAt(UserSessionsDriver.T0 + secondsAfterT0 * 1000L, page);

    /// <summary>One view per later user at <paramref name="timestamp"/>.</summary>
    protected static UserEvent[] LaterViewsAt(long timestamp, string page) => [.. LaterUsers.Select(user => new UserEvent(user, page, timestamp))];

    private static string[] Common(string checkpointDirectory) =>
        ["-D", "session-gap=10 s", "-D", "watermark.idleness=1 s", "-D", $"execution.checkpointing.dir={checkpointDirectory}"];

    private static readonly string[] EveryTwoSecondsRetained =
        ["-D", "execution.checkpointing.interval=2 s", "-D", "execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION"];

    [Fact]
    public async Task WithoutCheckpointsARunAgainReadsTheTopicFromItsStartSoNothingIsLostButSessionsAlreadyEmittedComeOutAgain()
    {
        var args = Common(NewCheckpointDirectory(_directory.Path));
        var first = LaterViews(60, "/news");
        await Driver.PublishAsync([.. EarlyViews, .. first]);
        var (jobId, _) = await Driver.RunAsync(args);
        await Driver.WaitForSessionsAsync(2);
        await CancelAsync(jobId);

        var (again, _) = await Driver.RunAsync(args);
        await Driver.PublishAsync(LaterViews(120, "/sports"));
        var sessions = await Driver.WaitForSessionsAsync(8);

        // The new job holds no state and starts at offset 0: Alice's and Bob's sessions close a second time.
        var early = UserSessionsDriver.SessionsOf(EarlyViews).ToList();
        AssertSessions([.. early, .. early, .. UserSessionsDriver.SessionsOf(first)], sessions);
        Assert.Contains($"started job {again} without state", string.Join('\n', await Driver.StatusAsync(again)));
        await CancelAsync(again);
    }

    [Fact]
    public async Task ResumingTheLatestRetainedCheckpointAfterCancelEmitsEverySessionExactlyOnceAndStatusNamesTheCheckpointAndOffsets()
    {
        var checkpoints = NewCheckpointDirectory(_directory.Path);
        string[] args = [.. Common(checkpoints), .. EveryTwoSecondsRetained];
        var first = LaterViews(60, "/news");
        await Driver.PublishAsync([.. EarlyViews, .. first]);
        var (jobId, _) = await Driver.RunAsync(args);
        // Alice's and Bob's sessions are committed (a checkpoint completed after they closed); one more covers every view read.
        await Driver.WaitForSessionsAsync(2);
        await UserSessionsDriver.WaitForCompletedCheckpointsAsync(_silo.RestAddress, jobId, await UserSessionsDriver.CompletedCheckpointsAsync(_silo.RestAddress, jobId) + 1);
        await CancelAsync(jobId);

        var (resumed, stdout) = await Driver.RunAsync(["--resume", "latest", .. args]);
        await AssertEverySessionOnceAfterMoreViewsAsync(first);

        var state = await StateOriginAsync(resumed, stdout);
        var restored = Regex.Match(state, $@"^restored job {resumed} \(attempt 1\) from checkpoint (\d+) of job {jobId} \(the latest of its name\) at (\S+) \(NO_CLAIM\), source offsets (.+)$");
        Assert.True(restored.Success, state);
        Assert.Equal($"{Reported(checkpoints)}/{jobId}/chk-{restored.Groups[1].Value}", restored.Groups[2].Value);
        Assert.Equal(EarlyViews.Length + first.Length, SumOfOffsets(restored.Groups[3].Value));
        await CancelAsync(resumed);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    public async Task StoppingWithASavepointAndRunningFromItEmitsEverySessionExactlyOnceAlsoAtAnotherParallelism(int before, int after)
    {
        var checkpoints = NewCheckpointDirectory(_directory.Path);
        string[] args = [.. Common(checkpoints), .. EveryTwoSecondsRetained];
        var first = LaterViews(60, "/news");
        await Driver.PublishAsync([.. EarlyViews, .. first]);
        var (jobId, _) = await Driver.RunAsync(["-p", $"{before}", .. args]);
        await Driver.WaitForSessionsAsync(2);

        var stop = await Driver.CliAsync("stop", jobId, "--savepointPath", $"{checkpoints}/savepoints");
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        var savepoint = stop.Stdout.Single(l => l.StartsWith("Savepoint completed. Path: ", StringComparison.Ordinal))["Savepoint completed. Path: ".Length..];
        var (restarted, stdout) = await Driver.RunAsync(["-p", $"{after}", "-s", savepoint, .. args]);
        await AssertEverySessionOnceAfterMoreViewsAsync(first);

        var state = await StateOriginAsync(restarted, stdout);
        Assert.Matches($@"^restored job {restarted} \(attempt 1\) from savepoint \(canonical\) \d+ of job {jobId} at {Regex.Escape(savepoint)} \(NO_CLAIM\), source offsets ", state);
        Assert.Contains($"parallelism {after},", string.Join('\n', await Driver.StatusAsync(restarted)));
        await CancelAsync(restarted);
    }

    [Fact]
    public async Task ResumingLatestWhenNoCheckpointCompletedSaysSoAndStartsFreshWithoutClaimingARestore()
    {
        var checkpoints = NewCheckpointDirectory(_directory.Path);
        string[] retained = ["-D", "execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION"];
        await Driver.PublishAsync(EarlyViews);
        var (jobId, _) = await Driver.RunAsync([.. Common(checkpoints), "-D", "execution.checkpointing.interval=1 h", .. retained]);
        await CancelAsync(jobId);

        var (fresh, stdout) = await Driver.RunAsync(["--resume", "latest", .. Common(checkpoints), .. EveryTwoSecondsRetained]);
        var nothing = $"started job {fresh} without state: --resume latest found no completed checkpoint or savepoint of job '{UserSessionsJob.Name}' in {Reported(checkpoints)}/";
        Assert.Equal(nothing, await StateOriginAsync(fresh, stdout));

        // Started fresh, the job reads the topic from its start: every view, each session once.
        var later = LaterViews(60, "/news");
        await Driver.PublishAsync(later);
        var sessions = await Driver.WaitForSessionsAsync(2);
        AssertSessions(UserSessionsDriver.SessionsOf(EarlyViews), sessions);
        await CancelAsync(fresh);
    }

    /// <summary>
    /// Views a minute after <paramref name="first"/> close the sessions the first run left open; with Alice's and Bob's
    /// (closed by the first run) each must be in the output exactly once.
    /// </summary>
    private async Task AssertEverySessionOnceAfterMoreViewsAsync(UserEvent[] first)
    {
        await Driver.PublishAsync(LaterViews(120, "/sports"));
        var sessions = await Driver.WaitForSessionsAsync(6);
        AssertSessions([.. UserSessionsDriver.SessionsOf(EarlyViews), .. UserSessionsDriver.SessionsOf(first)], sessions);
    }

    /// <summary>Where the job's state came from, as <c>status</c> says it; <c>run</c> printed the same.</summary>
    private async Task<string> StateOriginAsync(string jobId, string[] runOutput)
    {
        var state = StateLine(await Driver.StatusAsync(jobId));
        Assert.Contains($"State: {state}", runOutput);
        return state;
    }

    protected async Task CancelAsync(string jobId)
    {
        var cancel = await Driver.CliAsync("cancel", jobId);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
    }

    protected static void AssertSessions(IEnumerable<SessionFeatures> expected, IEnumerable<SessionFeatures> actual) =>
        Assert.Equal(expected.OrderBy(s => s.UserId, StringComparer.Ordinal).ThenBy(s => s.Start), actual.OrderBy(s => s.UserId, StringComparer.Ordinal).ThenBy(s => s.Start));

    /// <summary>The job's state origin, from <c>grainflow status</c>'s "State:" line.</summary>
    private static string StateLine(string[] status) => status.Single(l => l.StartsWith("State:", StringComparison.Ordinal))["State:".Length..].Trim();

    private static long SumOfOffsets(string offsets) =>
        Regex.Matches(offsets, @"partition-\d+=(\d+)").Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
}
