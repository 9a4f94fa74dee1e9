using GrainFlow.Client.Commands;

namespace GrainFlow.Client.Tests;

[Trait("Category", "Unit")]
public sealed class PublishInputTests
{
    [Fact]
    public async Task Publish_with_a_missing_file_reports_it_in_one_line_without_connecting()
    {
        var connector = new NoClusterConnector();
        var missing = Path.Combine(Path.GetTempPath(), $"grainflow-missing-{Guid.NewGuid():N}.txt");

        var run = await CliRun.RunAsync(["publish", "events", missing], connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([$"File not found: {missing}"], run.StderrLines);
        Assert.Empty(run.Stdout);
        Assert.Equal(0, connector.Attempts);
    }

    [Fact]
    public async Task Publish_with_a_file_in_a_missing_directory_reports_it_in_one_line()
    {
        var connector = new NoClusterConnector();
        var missing = Path.Combine(Path.GetTempPath(), $"grainflow-missing-{Guid.NewGuid():N}", "events.txt");

        var run = await CliRun.RunAsync(["publish", "events", missing], connector);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([$"File not found: {missing}"], run.StderrLines);
        Assert.Equal(0, connector.Attempts);
    }
}
