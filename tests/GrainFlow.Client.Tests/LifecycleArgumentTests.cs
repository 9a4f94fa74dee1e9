using System.CommandLine;
using GrainFlow.Client.Commands;

namespace GrainFlow.Client.Tests;

/// <summary>The savepoint, stop, checkpoint and restore options: Flink's messages for bad command lines, before any cluster call.</summary>
[Trait("Category", "Unit")]
public sealed class LifecycleArgumentTests
{
    private readonly NoClusterConnector _connector = new();

    [Theory]
    [InlineData("savepoint", SavepointCommand.MissingJobId)]
    [InlineData("stop", StopCommand.MissingJobId)]
    [InlineData("checkpoint", CheckpointCommand.MissingJobId)]
    public async Task A_missing_job_id_is_Flinks_message_and_exit_code_one(string verb, string message)
    {
        var run = await CliRun.RunAsync([verb], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([message], run.StderrLines);
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public async Task Dispose_without_a_path_says_the_savepoint_path_is_missing()
    {
        var run = await CliRun.RunAsync(["savepoint", "-d"], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(["Missing required argument: savepoint path. Usage: grainflow savepoint -d <savepoint-path>"], run.StderrLines);
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("savepoint", "0123456789abcdef0123456789abcdef", "--type", "zip")]
    [InlineData("stop", "0123456789abcdef0123456789abcdef", "-type", "ZIP")]
    public async Task An_unknown_savepoint_type_names_the_accepted_ones(params string[] args)
    {
        var run = await CliRun.RunAsync(args, _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("use --type canonical (the default) or --type native", Assert.Single(run.StderrLines));
        Assert.Equal(0, _connector.Attempts);
    }

    [Theory]
    [InlineData("Use either -s <path> or --resume latest, not both.", "-s", "/tmp/sp", "--resume", "latest")]
    [InlineData("--allowNonRestoredState only applies when restoring: add -s <path> or --resume latest.", "-n")]
    [InlineData("--claimMode only applies when restoring: add -s <path> or --resume latest.", "--claimMode", "CLAIM")]
    [InlineData("Claim mode LEGACY is not supported; use --claimMode CLAIM or NO_CLAIM (the default).", "-s", "/tmp/sp", "--claimMode", "LEGACY")]
    [InlineData("Invalid --claimMode 'SOMETIMES': use CLAIM or NO_CLAIM (the default).", "-s", "/tmp/sp", "--claimMode", "SOMETIMES")]
    [InlineData("Invalid --resume 'earliest': the only value is 'latest'.", "--resume", "earliest")]
    public async Task Contradicting_or_malformed_restore_options_are_one_line_errors(string message, params string[] options)
    {
        var run = await CliRun.RunAsync(["run", "keyed-count", .. options], _connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([message], run.StderrLines);
        Assert.Equal(0, _connector.Attempts);
    }

    [Fact]
    public void Restore_options_become_the_submissions_state_recovery_keys_with_a_relative_path_made_absolute()
    {
        var (configuration, restoring) = Apply("-s", "savepoints/savepoint-abcdef-0123456789ab", "-n", "--claimMode", "claim");

        Assert.True(restoring);
        Assert.Equal(Path.GetFullPath("savepoints/savepoint-abcdef-0123456789ab"), configuration[RestoreOptions.PathKey]);
        Assert.Equal("true", configuration[RestoreOptions.IgnoreUnclaimedStateKey]);
        Assert.Equal("CLAIM", configuration[RestoreOptions.ClaimModeKey]);

        var (resume, resuming) = Apply("--resume", "latest", "--claimMode", "NO_CLAIM");
        Assert.True(resuming);
        Assert.Equal("latest", resume[RestoreOptions.ResumeKey]);
        Assert.Equal("NO_CLAIM", resume[RestoreOptions.ClaimModeKey]);
        Assert.False(resume.ContainsKey(RestoreOptions.PathKey));

        var (url, _) = Apply("--fromSavepoint", "https://account.blob.core.windows.net/savepoints/savepoint-abcdef-0123456789ab");
        Assert.Equal("https://account.blob.core.windows.net/savepoints/savepoint-abcdef-0123456789ab", url[RestoreOptions.PathKey]);

        var (none, nothing) = Apply();
        Assert.False(nothing);
        Assert.Empty(none);
    }

    private static (Dictionary<string, string> Configuration, bool Restoring) Apply(params string[] args)
    {
        var restore = new RestoreOptions();
        var command = new RootCommand();
        foreach (var option in restore.All) command.Options.Add(option);
        var configuration = new Dictionary<string, string>();
        var restoring = restore.ApplyTo(command.Parse(args), configuration);
        return (configuration, restoring);
    }
}
