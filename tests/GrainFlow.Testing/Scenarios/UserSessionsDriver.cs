using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrainFlow.Silo.Examples.UserSessions;
using GrainFlow.Testing.Polling;
using GrainFlow.Testing.Processes;

namespace GrainFlow.Testing.Scenarios;

/// <summary>
/// Seed 000's session scenario as its author ran it: the <c>grainflow</c> executable publishes page
/// views to the input topic, runs, cancels, stops and resumes <c>user-sessions</c>, and reads the
/// closed sessions back with <c>grainflow tail</c> (which sees only committed records). Each driver
/// uses its own topics, so scenarios can share a silo.
/// </summary>
/// <param name="gatewayPort">The gateway the CLI connects to (asked each time: a test may move to another silo).</param>
public sealed class UserSessionsDriver(string workingDirectory, Func<int> gatewayPort, Func<string>? siloOutput = null)
{
    /// <summary>2027-01-01T00:00:00Z: the event time the scenarios start at.</summary>
    public const long T0 = 1_798_761_600_000;

    public string EventsTopic { get; } = $"user-events-{Guid.NewGuid():N}";

    public string SessionsTopic { get; } = $"session-features-{Guid.NewGuid():N}";

    public string InvalidTopic { get; } = $"user-events-invalid-{Guid.NewGuid():N}";

    public Task<(int ExitCode, string[] Stdout, string Stderr)> CliAsync(params string[] args) =>
        GrainFlowCli.RunAsync(workingDirectory, gatewayPort(), null, args);

    /// <summary><c>grainflow run user-sessions</c> on this driver's topics with <paramref name="args"/>; returns the job id.</summary>
    public async Task<(string JobId, string[] Stdout)> RunAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await CliAsync(["run", "user-sessions", "-D", $"topic={EventsTopic}", "-D", $"output-topic={SessionsTopic}", "-D", $"invalid-topic={InvalidTopic}", .. args]);
        if (exitCode != 0) throw new InvalidOperationException($"grainflow run failed ({exitCode}): {stderr}\n{string.Join('\n', stdout)}");
        var submitted = stdout.First(l => l.StartsWith("Job has been submitted with JobID ", StringComparison.Ordinal));
        return (submitted[^32..], stdout);
    }

    /// <summary>Publishes the events as JSON lines with <c>grainflow publish</c> (round robin over the topic's partitions).</summary>
    public Task PublishAsync(IEnumerable<UserEvent> events) => PublishLinesAsync(events.Select(e => JsonSerializer.Serialize(e)));

    /// <summary>Publishes <paramref name="lines"/> as they are, e.g. lines that are not page views.</summary>
    public async Task PublishLinesAsync(IEnumerable<string> lines)
    {
        var text = string.Concat(lines.Select(line => line + "\n"));
        var (exitCode, stdout, stderr) = await GrainFlowCli.RunAsync(workingDirectory, gatewayPort(), Encoding.UTF8.GetBytes(text), "publish", EventsTopic);
        if (exitCode != 0) throw new InvalidOperationException($"grainflow publish failed ({exitCode}): {stderr}\n{string.Join('\n', stdout)}");
    }

    /// <summary>Every committed session in the output topic (nothing when the topic does not exist yet).</summary>
    public async Task<IReadOnlyList<SessionFeatures>> SessionsAsync() =>
        (await CommittedValuesAsync(SessionsTopic)).Select(value => JsonSerializer.Deserialize<SessionFeatures>(value)!).ToList();

    /// <summary>Every committed line of the invalid-events topic: the reason, then the line.</summary>
    public Task<IReadOnlyList<string>> InvalidLinesAsync() => CommittedValuesAsync(InvalidTopic);

    /// <summary>The values <c>grainflow tail</c> prints for <paramref name="topic"/> (nothing when the topic does not exist yet).</summary>
    private async Task<IReadOnlyList<string>> CommittedValuesAsync(string topic)
    {
        var (exitCode, stdout, stderr) = await CliAsync("tail", topic);
        if (exitCode != 0)
        {
            if (stderr.Contains("does not exist", StringComparison.OrdinalIgnoreCase) || stderr.Contains("no partition", StringComparison.OrdinalIgnoreCase)) return [];
            throw new InvalidOperationException($"grainflow tail failed ({exitCode}): {stderr}");
        }
        // partition:offset, key=…, value: the value is the last field.
        return stdout.Select(line => line[(line.LastIndexOf('\t') + 1)..]).ToList();
    }

    /// <summary>Waits until the output topic holds at least <paramref name="count"/> sessions, and returns them all.</summary>
    public async Task<IReadOnlyList<SessionFeatures>> WaitForSessionsAsync(int count, TimeSpan? timeout = null)
    {
        IReadOnlyList<SessionFeatures> sessions = [];
        await Poll.UntilAsync(async () => (sessions = await SessionsAsync()).Count >= count, $"{count} sessions in {SessionsTopic}", timeout ?? TimeSpan.FromMinutes(2),
            () => $"sessions so far: {string.Join("; ", sessions)}\n{siloOutput?.Invoke()}");
        return sessions;
    }

    /// <summary><c>grainflow status</c>'s lines for the job.</summary>
    public async Task<string[]> StatusAsync(string jobId)
    {
        var (exitCode, stdout, stderr) = await CliAsync("status", jobId);
        return exitCode == 0 ? stdout : throw new InvalidOperationException($"grainflow status failed ({exitCode}): {stderr}");
    }

    /// <summary>Waits until the job's checkpoint statistics (REST) count at least <paramref name="completed"/> completed checkpoints.</summary>
    public static Task WaitForCompletedCheckpointsAsync(Uri rest, string jobId, int completed) =>
        Poll.UntilAsync(async () => await CompletedCheckpointsAsync(rest, jobId) >= completed,
            $"{completed} completed checkpoints of job {jobId}", TimeSpan.FromMinutes(1));

    /// <summary>How many checkpoints of the job completed so far (REST checkpoint statistics).</summary>
    public static async Task<int> CompletedCheckpointsAsync(Uri rest, string jobId)
    {
        using var http = new HttpClient { BaseAddress = rest };
        var stats = JsonNode.Parse(await http.GetStringAsync($"/jobs/{jobId}/checkpoints"))!;
        return stats["counts"]!["completed"]!.GetValue<int>();
    }

    /// <summary>The sessions <paramref name="events"/> make when each user's views are one session: what the job must emit for them.</summary>
    public static IEnumerable<SessionFeatures> SessionsOf(IEnumerable<UserEvent> events) =>
        events.GroupBy(e => e.UserId).Select(user =>
        {
            var (start, end) = (user.Min(e => e.Timestamp), user.Max(e => e.Timestamp));
            return new SessionFeatures(user.Key, start, end, user.Count(), user.Select(e => e.Page).Distinct().Count(), end - start);
        });

    /// <summary>One user's page views, <paramref name="spacing"/> apart from <paramref name="start"/>.</summary>
    public static IEnumerable<UserEvent> Visits(string userId, long start, TimeSpan spacing, params string[] pages) =>
        pages.Select((page, i) => new UserEvent(userId, page, start + i * (long)spacing.TotalMilliseconds));
}
