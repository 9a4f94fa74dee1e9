using GrainFlow.Client.Commands;
using GrainFlow.Jobs;

namespace GrainFlow.Client.Tests;

/// <summary>Bad command lines fail with a clear message, a non-zero exit code and no stack trace, without touching a cluster.</summary>
[Trait("Category", "Unit")]
public sealed class ArgumentErrorTests
{
    private const string ValidJobId = "0123456789abcdef0123456789abcdef";

    private readonly NoClusterConnector _connector = new();

    private static string JobIdFormatMessage(string text) => Assert.Throws<FormatException>(() => JobId.Parse(text)).Message;

    [Fact]
    public async Task Unknown_command_is_a_parse_error_naming_the_token()
    {
        var run = await CliRun.RunAsync(["frobnicate"], _connector);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("frobnicate", run.Stderr);
        Assert.False(CliRun.HasStackTrace(run.Stdout + run.Stderr));
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task No_command_at_all_is_a_parse_error()
    {
        var run = await CliRun.RunAsync([], _connector);

        Assert.NotEqual(0, run.ExitCode);
        Assert.False(CliRun.HasStackTrace(run.Stdout + run.Stderr));
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Unknown_option_is_a_parse_error()
    {
        var run = await CliRun.RunAsync(["list", "--bogus"], _connector);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--bogus", run.Stderr);
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Cancel_without_a_job_id_prints_Flinks_missing_JobID_message()
    {
        var run = await CliRun.RunAsync(["cancel"], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(["Missing JobID. Specify a JobID to cancel a job."], run.StderrLines);
        Assert.Empty(run.Stdout);
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Status_without_a_job_id_says_the_JobID_is_missing()
    {
        var run = await CliRun.RunAsync(["status"], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([StatusCommand.MissingJobId], run.StderrLines);
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("cancel", "not-a-job-id")]
    [InlineData("cancel", "0123456789abcdef")]
    [InlineData("status", "zz23456789abcdef0123456789abcdef")]
    public async Task Malformed_job_id_prints_the_JobId_format_message_before_connecting(string command, string jobId)
    {
        var run = await CliRun.RunAsync([command, jobId], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([JobIdFormatMessage(jobId)], run.StderrLines);
        Assert.Empty(run.Stdout);
        Assert.False(CliRun.HasStackTrace(run.Stderr));
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("-D", "no-equals-sign")]
    [InlineData("-Dno-equals-sign")]
    [InlineData("--define", "=value-without-key")]
    public async Task Malformed_define_is_a_parse_error_that_names_the_value(params string[] define)
    {
        var run = await CliRun.RunAsync(["run", "word-count", .. define], _connector);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Invalid -D value '", run.Stderr);
        Assert.Contains("expected key=value", run.Stderr);
        Assert.False(CliRun.HasStackTrace(run.Stdout + run.Stderr));
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Run_with_parallelism_zero_is_a_parse_error()
    {
        var run = await CliRun.RunAsync(["run", "word-count", "-p", "0"], _connector);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Invalid --parallelism '0': expected a whole number of at least 1.", run.Stderr);
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("Invalid --parallelism 'abc': expected a whole number of at least 1.", "run", "keyed-count", "-p", "abc")]
    [InlineData("Invalid --parallelism '1.5': expected a whole number of at least 1.", "run", "keyed-count", "--parallelism", "1.5")]
    [InlineData("Invalid --parallelism '99999999999': expected a whole number of at least 1.", "run", "keyed-count", "-p", "99999999999")]
    [InlineData("Invalid --from 'abc': expected a whole number of at least 0.", "tail", "events", "--from", "abc")]
    [InlineData("Invalid --partition 'x': expected a whole number of at least 0.", "tail", "events", "--partition", "x")]
    [InlineData("Invalid --max '0': expected a whole number of at least 1.", "tail", "events", "--max", "0")]
    public async Task A_number_option_that_is_not_a_number_is_one_usage_line_without_exception_text(string message, params string[] args)
    {
        var run = await CliRun.RunAsync(args, _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([message], run.StderrLines);
        Assert.DoesNotContain("System.", run.Stderr);
        Assert.DoesNotContain("Cannot parse argument", run.Stderr);
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Run_with_an_empty_savepoint_path_is_a_usage_error_instead_of_a_fresh_start(string path)
    {
        var run = await CliRun.RunAsync(["run", "keyed-count", "-s", path], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(["Invalid -s/--fromSavepoint '': give the folder or _metadata file of a savepoint or retained checkpoint, or leave -s out to start fresh."],
            run.StderrLines);
        Assert.Empty(run.Stdout);
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Malformed_gateway_is_reported_in_one_line_without_connecting()
    {
        var run = await CliRun.RunAsync(["list", "--gateway", "localhost"], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("Invalid gateway address 'localhost': expected host:port", line);
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("--redis", "localhost:6379")]
    [InlineData("--azure-table", "UseDevelopmentStorage=true")]
    public async Task Gateway_and_a_membership_table_together_are_rejected(string option, string value)
    {
        var run = await CliRun.RunAsync(["list", "--gateway", "127.0.0.1:30000", option, value], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(["Use one of --gateway, --redis and --azure-table, not several."], run.StderrLines);
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("AccountKey=SECRET;garbage", "could not be parsed")]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1", "DefaultAzureCredential signs in over https only")]
    public async Task A_malformed_azure_table_is_reported_in_one_line_without_echoing_a_key_or_connecting(string value, string reason)
    {
        var run = await CliRun.RunAsync(["list", "--azure-table", value], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("Invalid Azure table in --azure-table:", line);
        Assert.Contains(reason, line);
        Assert.DoesNotContain("SECRET", line);
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Malformed_gateway_from_the_environment_names_the_variable()
    {
        var run = await CliRun.RunAsync(["list"], _connector, environment: new Dictionary<string, string> { ["GRAINFLOW_GATEWAY"] = "127.0.0.1:99999" });

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("Invalid port '99999'", line);
        Assert.Contains("$GRAINFLOW_GATEWAY", line);
    }

    [Fact]
    public async Task Help_succeeds_and_lists_the_commands()
    {
        var run = await CliRun.RunAsync(["--help"], _connector);

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "run", "list", "status", "cancel", "publish", "tail" })
        {
            Assert.Contains(command, run.Stdout);
        }
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task An_unexpected_exception_prints_Flinks_header_and_one_line_without_stack_trace()
    {
        var run = await CliRun.RunAsync(["list"], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(
            [
                "The program finished with the following exception:",
                "System.InvalidOperationException: This test expected the command to fail before connecting to a cluster.",
            ],
            run.StderrLines);
        Assert.Equal(1, _connector.Attempts);
    }

    [Fact]
    public async Task An_unexpected_exception_shows_its_stack_trace_with_verbose()
    {
        var run = await CliRun.RunAsync(["list", "--verbose"], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("The program finished with the following exception:", run.StderrLines[0]);
        Assert.True(CliRun.HasStackTrace(run.Stderr), run.Stderr);
    }

    [Fact]
    public async Task Valid_job_id_passes_validation_and_cancel_announces_itself_before_connecting()
    {
        var run = await CliRun.RunAsync(["cancel", ValidJobId], _connector);

        Assert.Equal([$"Cancelling job {ValidJobId}."], run.StdoutLines);
        Assert.Equal(1, _connector.Attempts);
    }
}
