using System.Globalization;
using GrainFlow.Client.Commands;
using GrainFlow.Client.Connection;
using GrainFlow.Client.Output;
using GrainFlow.Jobs;
using GrainFlow.Topics;

namespace GrainFlow.Client.Tests;

/// <summary>The printed layouts, checked without a cluster.</summary>
[Trait("Category", "Unit")]
public sealed class OutputFormatTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 5, 14, 7, 9, TimeSpan.Zero);

    private static string Local(DateTimeOffset time) => time.ToLocalTime().ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture);

    private static JobSummary Job(string id, string name, JobStatus status, int minutesAfterStart) =>
        new(new JobId(id), name, status, Start.AddMinutes(minutesAfterStart), status.IsTerminal() ? Start.AddHours(1) : null);

    private static string[] Print(IEnumerable<JobSummary> jobs, bool running = false, bool scheduled = false, bool all = false)
    {
        var output = new StringWriter();
        JobListPrinter.Print(output, jobs, JobListPrinter.Sections.From(running, scheduled, all));
        return CliRun.Lines(output.ToString());
    }

    [Fact]
    public void List_without_flags_prints_running_then_scheduled_in_Flinks_layout()
    {
        var jobs = new[]
        {
            Job("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "late", JobStatus.Running, 5),
            Job("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "early", JobStatus.Restarting, 1),
            Job("cccccccccccccccccccccccccccccccc", "done", JobStatus.Finished, 0),
        };

        Assert.Equal(
            [
                "------------------ Running/Restarting Jobs -------------------",
                $"{Local(Start.AddMinutes(1))} : aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa : early (RESTARTING)",
                $"{Local(Start.AddMinutes(5))} : bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb : late (RUNNING)",
                "--------------------------------------------------------------",
                "No scheduled jobs.",
            ],
            Print(jobs));
    }

    [Fact]
    public void List_with_no_jobs_says_so_for_running_and_scheduled()
    {
        Assert.Equal(["No running jobs.", "No scheduled jobs."], Print([]));
        Assert.Equal(["No running jobs."], Print([], running: true));
        Assert.Equal(["No scheduled jobs."], Print([], scheduled: true));
    }

    [Fact]
    public void List_all_adds_terminated_jobs_and_headers_match_Flink()
    {
        var jobs = new[]
        {
            Job("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "waiting", JobStatus.Created, 0),
            Job("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "failed", JobStatus.Failed, 1),
            Job("cccccccccccccccccccccccccccccccc", "suspended", JobStatus.Suspended, 2),
        };

        var lines = Print(jobs, all: true);

        Assert.Equal(
            [
                "No running jobs.",
                "----------------------- Scheduled Jobs -----------------------",
                $"{Local(Start)} : aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa : waiting (CREATED)",
                "--------------------------------------------------------------",
                "---------------------- Terminated Jobs -----------------------",
                $"{Local(Start.AddMinutes(1))} : bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb : failed (FAILED)",
                $"{Local(Start.AddMinutes(2))} : cccccccccccccccccccccccccccccccc : suspended (SUSPENDED)",
                "--------------------------------------------------------------",
            ],
            lines);
        Assert.All(lines.Where(l => l.StartsWith("---", StringComparison.Ordinal)), l => Assert.Equal(62, l.Length));
    }

    [Fact]
    public void Status_prints_fields_vertices_and_the_failure_in_one_line_unless_verbose()
    {
        var failure = new FailureCause("System.InvalidOperationException", "boom\nsecond line", "at Somewhere()", "map (2/4)", Start);
        var details = new JobDetails(
            new JobId("0123456789abcdef0123456789abcdef"), "word-count", JobStatus.Failed, Start, Start.AddMinutes(3), 128,
            [new VertexDetails("src", "Source: lines", 2, ["src", "split"], 1)],
            failure, new Dictionary<JobStatus, DateTimeOffset>(), 2);

        var output = new StringWriter();
        JobDetailsPrinter.Print(output, details, verbose: false);
        var lines = CliRun.Lines(output.ToString());

        Assert.Equal(
            [
                "Job ID:          0123456789abcdef0123456789abcdef",
                "Name:            word-count",
                "Status:          FAILED",
                $"Start time:      {Local(Start)}",
                $"End time:        {Local(Start.AddMinutes(3))}",
                "Attempt:         2",
                "Max parallelism: 128",
                "Vertices (1):",
                "  src : Source: lines (parallelism 2, finished 1/2, operators: src, split)",
                "Failure:         System.InvalidOperationException: boom second line",
            ],
            lines);

        var verbose = new StringWriter();
        JobDetailsPrinter.Print(verbose, details, verbose: true);
        Assert.Contains("at Somewhere()", verbose.ToString());
    }

    [Fact]
    public void Records_print_partition_offset_optional_key_and_text()
    {
        Assert.Equal("2:17\thello world", RecordPrinter.Format(new StoredTopicRecord(2, 17, TopicRecord.FromText("hello world"))));
        Assert.Equal("0:3\tkey=user-1\t{\"a\":1}", RecordPrinter.Format(new StoredTopicRecord(0, 3, TopicRecord.FromText("{\"a\":1}", "user-1"))));
    }

    [Fact]
    public void Attached_define_is_split_and_tokens_after_the_separator_are_kept()
    {
        Assert.Equal(
            ["run", "job", "-D", "a=b", "--define", "c=d", "--", "-Dx=y"],
            DefineOption.ExpandAttachedForm(["run", "job", "-Da=b", "--define", "c=d", "--", "-Dx=y"]));
    }

    [Fact]
    public void Defines_become_a_dictionary_where_the_last_value_wins()
    {
        var values = DefineOption.ToDictionary(["a=1", "b = two words ", "a=3", "c="]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "3", ["b"] = "two words", ["c"] = "" }, values);
    }

    [Theory]
    [InlineData("127.0.0.1:30000", "127.0.0.1", 30000)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:30001", "::1", 30001)]
    public void Gateway_addresses_parse(string text, string host, int port)
    {
        Assert.True(GatewayAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(new GatewayAddress(host, port), address);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":30000")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("a:b:c")]
    public void Malformed_gateway_addresses_are_rejected_with_a_reason(string text)
    {
        Assert.False(GatewayAddress.TryParse(text, out _, out var error));
        Assert.Contains(text, error);
    }
}
