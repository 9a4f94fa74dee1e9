using System.Text.RegularExpressions;
using GrainFlow.Cluster.Tests.Fixtures;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples.UserSessions;
using GrainFlow.Testing.Polling;
using GrainFlow.Testing.Scenarios;
using static GrainFlow.Testing.Scenarios.UserSessionsDriver;

namespace GrainFlow.Cluster.Tests;

/// <summary>
/// Issue 13, §3 e: seed 000's session scenario with a silo process killed mid-session. The
/// <c>grainflow</c> CLI runs <c>user-sessions</c> with checkpoints, publishes page views and reads the
/// committed sessions back; the silo of the job manager (and of a sessions subtask) dies while
/// sessions are open in keyed state, and after the automatic restart every session comes out
/// exactly once, with the values of a run without the crash.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class UserSessionsSiloKillTests(ProcessClusterFixture cluster)
{
    private const int Parallelism = 3;
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);
    // With 3 subtasks (max parallelism 128) the first four land on subtasks 2, 0, 1, 2 and the others
    // on 0, 1, 2: whichever silo dies, it holds sessions that go on after the crash and sessions that do not.
    private static readonly string[] Users = ["alice", "carol", "judy", "bob", "erin", "peggy", "dave"];

    [Fact]
    public async Task KillingTheSiloOfTheJobManagerMidSessionEmitsEverySessionExactlyOnceAfterTheAutomaticRestart()
    {
        await cluster.EnsureAllSilosRunningAsync();
        var driver = new UserSessionsDriver(System.IO.Directory.CreateDirectory(cluster.Directory.Combine($"cli-{Guid.NewGuid():N}")).FullName,
            () => cluster.Silos.First(s => !s.HasExited).GatewayPort, cluster.Diagnostics);

        // Sessions closed before the crash; then (a minute of event time later, past the gap, so those
        // close) sessions still open when the silo dies; after it, some of them go on and a new user
        // starts one; at last every user comes back ten minutes later, which closes all of those.
        var closedBeforeCrash = Users.SelectMany((user, k) => Visits(user, T0 + k * 100, TimeSpan.FromSeconds(3),
            k % 2 == 0 ? ["/home", "/search", "/home"] : ["/home", "/cart", "/checkout", "/home"])).ToList();
        var openAtCrash = Users.SelectMany((user, k) => Visits(user, T0 + 60_000 + k * 100, TimeSpan.FromSeconds(2), "/home", $"/item/{k}", "/cart")).ToList();
        var afterCrash = Users.Take(4).SelectMany((user, k) => Visits(user, T0 + 67_000 + k * 100, TimeSpan.FromSeconds(2), "/checkout", $"/item/{k + 10}"))
            .Concat(Visits("grace", T0 + 61_000, TimeSpan.FromSeconds(2), "/home", "/search")).ToList();
        var pastTheGap = Users.Append("grace").Select(user => new UserEvent(user, "/home", T0 + 600_000)).ToList();
        var expected = SessionsOf([.. closedBeforeCrash, .. openAtCrash, .. afterCrash]);

        var (id, _) = await driver.RunAsync("-p", Parallelism.ToString(),
            "-D", "execution.checkpointing.interval=1 s",
            "-D", $"session-gap={Gap.TotalSeconds} s",
            "-D", "watermark.out-of-orderness=2 s",
            "-D", "watermark.idleness=1 s",
            "-D", $"invalid-topic=user-events-invalid-{Guid.NewGuid():N}",
            "-D", "heartbeat.interval=1 s",
            // One restart allowed: the crash must cost exactly one.
            "-D", "restart-strategy.type=fixed-delay",
            "-D", "restart-strategy.fixed-delay.attempts=1",
            "-D", "restart-strategy.fixed-delay.delay=100 ms");
        var jobId = JobId.Parse(id);
        var job = cluster.Client.GetGrain<IJobManagerGrain>(jobId.Value);
        try
        {
            var submitted = await job.GetDetailsAsync();
            var vertices = submitted.Vertices;
            var source = vertices.Single(v => v.OperatorUids.Contains("user-events"));
            var sessions = vertices.Single(v => v.OperatorUids.Contains("sessions"));

            // Each batch is read before the next is published: an idle partition must not let
            // another's later views push the watermark past views it has not read yet.
            await driver.PublishAsync(closedBeforeCrash);
            await WaitUntilReadAsync(jobId, source, attempt: 1, closedBeforeCrash.Count);
            await driver.PublishAsync(openAtCrash);
            await WaitUntilReadAsync(jobId, source, attempt: 1, closedBeforeCrash.Count + openAtCrash.Count);
            var committedBeforeCrash = await driver.WaitForSessionsAsync(Users.Length);
            Assert.Equal(Sorted(SessionsOf(closedBeforeCrash)), Sorted(committedBeforeCrash));

            // The open sessions are in keyed state of a completed checkpoint: one triggered after they were read.
            var completed = (await job.GetCheckpointStatsAsync()).Completed;
            await Poll.UntilAsync(async () => await CompletedCheckpointsAsync(job) >= completed + 2, "a checkpoint after the open sessions were read");

            var jobManagerSilo = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(job)
                ?? throw new InvalidOperationException("The job manager has no activation.");
            var victim = cluster.Silos.Single(s => s.Is(jobManagerSilo));
            var sessionSilos = await Task.WhenAll(Enumerable.Range(0, sessions.Parallelism)
                .Select(async i => (await Subtask(jobId, sessions.Uid, i).GetMetricsAsync()).Silo));
            var usersOnVictim = Users.Where(u => sessionSilos[KeyGroupAssignment.SubtaskForKey(u, Parallelism, submitted.MaxParallelism)] == jobManagerSilo.ToString()).ToList();
            Assert.True(usersOnVictim.Count > 0, $"no open session is on {victim}, the silo of the job manager (sessions subtasks on {string.Join(", ", sessionSilos)})");

            victim.Kill();
            // Published while the job restarts, once the cluster declared the silo dead (before that a
            // call to a topic grain it held could fail after appending to some partitions).
            await WaitUntilDeclaredDeadAsync(victim);
            await driver.PublishAsync(afterCrash);

            await WaitForAttemptRunningAsync(job, 2);
            await WaitUntilReadAsync(jobId, source, attempt: 2, closedBeforeCrash.Count + openAtCrash.Count + afterCrash.Count);
            await driver.PublishAsync(pastTheGap);

            await driver.WaitForSessionsAsync(expected.Count, RestartTimeout);
            // A duplicate would be committed with a later checkpoint: let two more complete before the final count.
            var settled = (await job.GetCheckpointStatsAsync()).Completed;
            await Poll.UntilAsync(async () => await CompletedCheckpointsAsync(job) >= settled + 2, "two more completed checkpoints");
            var output = await driver.SessionsAsync();
            Assert.Equal(Sorted(expected), Sorted(output));

            // What an operator sees: one restart, from the checkpoint that holds the open sessions and the offsets after them.
            var status = await driver.StatusAsync(id);
            Assert.Contains("Status:          RUNNING", status);
            Assert.Contains("Attempt:         2", status);
            var state = status.Single(l => l.StartsWith("State:", StringComparison.Ordinal));
            Assert.StartsWith($"State:           restored job {id} (attempt 2) from checkpoint ", state);
            Assert.Equal(closedBeforeCrash.Count + openAtCrash.Count, PartitionOffset().Matches(state).Sum(m => long.Parse(m.Groups[1].Value)));
        }
        finally
        {
            await driver.CliAsync("cancel", id);
        }
    }

    /// <summary>Flink's session windows over one user's views: a view more than the gap after the previous one starts a new session.</summary>
    private static List<SessionFeatures> SessionsOf(IEnumerable<UserEvent> views)
    {
        var sessions = new List<SessionFeatures>();
        foreach (var user in views.GroupBy(v => v.UserId))
        {
            var session = new List<UserEvent>();
            foreach (var view in user.OrderBy(v => v.Timestamp))
            {
                if (session.Count > 0 && view.Timestamp - session[^1].Timestamp > Gap.TotalMilliseconds) Close();
                session.Add(view);
            }
            Close();

            void Close()
            {
                var (start, end) = (session[0].Timestamp, session[^1].Timestamp);
                sessions.Add(new SessionFeatures(user.Key, start, end, session.Count, session.Select(v => v.Page).Distinct().Count(), end - start));
                session.Clear();
            }
        }
        return sessions;
    }

    private static List<SessionFeatures> Sorted(IEnumerable<SessionFeatures> sessions) => sessions.OrderBy(s => s.UserId, StringComparer.Ordinal).ThenBy(s => s.Start).ToList();

    private ISubtaskGrain Subtask(JobId jobId, string vertex, int index) => cluster.Client.GetGrain<ISubtaskGrain>(SubtaskKey.Of(jobId, vertex, index));

    /// <summary>Waits until the source subtasks of <paramref name="attempt"/> have read <paramref name="records"/> records over all partitions.</summary>
    private Task WaitUntilReadAsync(JobId jobId, VertexDetails source, long attempt, long records) =>
        Poll.UntilAsync(() => Tolerant(async () =>
        {
            var metrics = await Task.WhenAll(Enumerable.Range(0, source.Parallelism).Select(i => Subtask(jobId, source.Uid, i).GetMetricsAsync()));
            return metrics.All(m => m.Attempt == attempt) && metrics.Sum(m => m.SourceOffsets.Values.Sum()) == records;
        }), $"attempt {attempt} of the source read {records} views", RestartTimeout, cluster.Diagnostics);

    private Task WaitUntilDeclaredDeadAsync(SiloProcess victim) =>
        Poll.UntilAsync(() => Tolerant(async () =>
            !(await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.Any(victim.Is)), $"{victim} declared dead", RestartTimeout);

    private Task WaitForAttemptRunningAsync(IJobManagerGrain job, long attempt)
    {
        JobDetails? details = null;
        return Poll.UntilAsync(() => Tolerant(async () =>
        {
            details = await job.GetDetailsAsync();
            if (details.Status.IsTerminal()) throw new InvalidOperationException($"The job ended {details.Status}: {details.Failure?.ExceptionType}: {details.Failure?.Message}{Environment.NewLine}{cluster.Diagnostics()}");
            return details.Status == JobStatus.Running && details.Attempt == attempt;
        }), $"attempt {attempt} running", RestartTimeout, () => $"{details}{Environment.NewLine}{cluster.Diagnostics()}");
    }

    private static Task<int> CompletedCheckpointsAsync(IJobManagerGrain job) => Tolerant(async () => (await job.GetCheckpointStatsAsync()).Completed);

    /// <summary>A grain of the dead silo answers only once the cluster moved it: until then, "not yet".</summary>
    private static async Task<T> Tolerant<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return default!;
        }
    }

    [GeneratedRegex(@"partition-\d+=(\d+)")]
    private static partial Regex PartitionOffset();
}
