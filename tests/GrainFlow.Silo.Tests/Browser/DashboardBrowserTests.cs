using System.Text.RegularExpressions;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Cluster;
using GrainFlow.Testing.Polling;
using OpenQA.Selenium;

namespace GrainFlow.Silo.Tests.Browser;

/// <summary>The web dashboard in headless chromium against a silo: what a user sees and clicks, checked on the silo and on disk.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class DashboardBrowserTests(BrowserFixture fixture)
{
    private GrainFlowTestCluster Cluster => fixture.Rest.Cluster;

    private Task<JobId> SubmitRunningAsync(string? checkpointInterval = null, int parallelism = 1)
    {
        var settings = new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["keys"] = "10", ["sink"] = "discard",
            ["execution.checkpointing.dir"] = fixture.Rest.Directory.Combine("browser-checkpoints"),
        };
        if (checkpointInterval is not null) settings["execution.checkpointing.interval"] = checkpointInterval;
        return Cluster.SubmitAsync(KeyedCountJob.Name, settings, parallelism);
    }

    private async Task CancelQuietlyAsync(JobId jobId)
    {
        if (!(await Cluster.Job(jobId).GetDetailsAsync()).Status.IsTerminal()) await Cluster.Job(jobId).CancelAsync();
    }

    private Task WaitForStatusAsync(JobId jobId, JobStatus status) =>
        Poll.UntilAsync(async () => (await Cluster.Job(jobId).GetDetailsAsync()).Status == status, $"job {jobId} is {status}");

    [Fact]
    public async Task TheOverviewListsTheRunningJobAndItsPageDrawsTheVertexGraph()
    {
        var jobId = await SubmitRunningAsync(parallelism: 2);
        try
        {
            var page = fixture.Page;
            page.Open("");
            var row = await page.WaitForAsync($"tr[data-job='{jobId}']", r => r.Text.Contains("RUNNING", StringComparison.Ordinal));
            Assert.Contains("keyed-count", row.Text, StringComparison.Ordinal);
            // Parallelism 2; the generator and the count -> sink chain run 2 subtasks each.
            Assert.Equal(["2", "4"], row.FindElements(By.CssSelector("td.number")).Select(c => c.Text));
            page.Screenshot("jobs-overview");

            row.FindElement(By.CssSelector("a")).Click();
            var graph = await page.WaitForAsync("svg.graph", g => g.FindElements(By.CssSelector("g.vertex")).Count == 2);
            var edge = graph.FindElement(By.CssSelector("g.edge"));
            Assert.Equal("HASH", edge.Text);
            var vertices = (await Cluster.Job(jobId).GetDetailsAsync()).Vertices;
            foreach (var vertex in vertices)
            {
                var cells = (await page.WaitForAsync($"table.vertices tr[data-vertex='{vertex.Uid}']")).FindElements(By.TagName("td")).Select(c => c.Text).ToList();
                Assert.Equal(vertex.Name, cells[0]);
                // Records in and out: a count where the silo reports them, "–" where it does not.
                Assert.All(cells.GetRange(3, 2), figure => Assert.Matches("^(–|[0-9,]+)$", figure));
            }
            page.Screenshot("job-graph");
        }
        finally
        {
            await CancelQuietlyAsync(jobId);
        }
    }

    [Fact]
    public async Task TheSavepointFlowAsksForTheTargetThenWritesTheSavepointAndTheCheckpointTabShowsIt()
    {
        var target = fixture.Rest.Directory.Combine("browser-savepoints");
        var jobId = await SubmitRunningAsync(checkpointInterval: "500 ms");
        try
        {
            var page = fixture.Page;
            page.Open($"#/jobs/{jobId}");
            await page.ClickAsync("button[data-action='savepoint']");
            var dialog = await page.DialogAsync();
            Assert.Contains("Trigger a savepoint", dialog.Text, StringComparison.Ordinal);
            await page.TypeAsync("dialog[open] input[name='target']", target);
            await page.SelectAsync("dialog[open] select[name='format']", "CANONICAL");
            await page.ClickAsync("dialog[open] button[data-action='confirm']");

            var notice = await page.BannerAsync("notice", "Savepoint completed at ");
            var location = notice[(notice.IndexOf("Savepoint completed at ", StringComparison.Ordinal) + "Savepoint completed at ".Length)..].Trim();
            SavepointFolders.AssertIsSavepointOf(location, target, jobId);
            Assert.Equal(JobStatus.Running, (await Cluster.Job(jobId).GetDetailsAsync()).Status);

            await page.ClickAsync("a[data-tab='checkpoints']");
            await page.WaitForTextAsync("[data-latest='latest savepoint']", location);
            // Enough completed checkpoints for the charts to draw a line.
            await page.WaitForAsync("section.charts", c => c.FindElements(By.CssSelector("circle.point")).Count >= 6);
            await page.ClickAsync("table.history tr[data-checkpoint]");
            await page.WaitForTextAsync("table.history tr.details", "subtasks acknowledged");
            page.Screenshot("checkpoints");
        }
        finally
        {
            await CancelQuietlyAsync(jobId);
        }
    }

    [Fact]
    public async Task TheJarsFormRunsTheJobWithTheGivenParallelismAndSettings()
    {
        var page = fixture.Page;
        page.Open("#/submit");
        var form = $"form[data-jar='{KeyedCountJob.Name}']";
        await page.TypeAsync($"{form} input[name='parallelism']", "2");
        await page.TypeAsync($"{form} textarea[name='settings']", "records=100000000\nrecords-per-second=500\n-Dsink=discard");
        page.Screenshot("submit");
        await page.ClickAsync($"{form} button[data-action='run']");

        await Poll.UntilAsync(() => JobRoute().IsMatch(page.Driver.Url), "the dashboard opens the submitted job's page");
        var jobId = JobId.TryParse(JobRoute().Match(page.Driver.Url).Groups[1].Value, out var id) ? id.Value : throw new InvalidOperationException(page.Driver.Url);
        try
        {
            await page.WaitForTextAsync("h1", "keyed-count");
            var details = await Cluster.Job(jobId).GetDetailsAsync();
            Assert.All(details.Vertices, v => Assert.Equal(2, v.Parallelism));
            var configuration = await Cluster.Job(jobId).GetConfigurationAsync();
            Assert.Equal("500", configuration["records-per-second"]);
            Assert.Equal("discard", configuration["sink"]);
        }
        finally
        {
            await CancelQuietlyAsync(jobId);
        }
    }

    [Fact]
    public async Task CancelAsksForConfirmationAndOnlyTheConfirmationCancelsTheJob()
    {
        var jobId = await SubmitRunningAsync();
        try
        {
            var page = fixture.Page;
            page.Open($"#/jobs/{jobId}");
            await page.ClickAsync("button[data-action='cancel']");
            await page.DialogAsync();
            await page.ClickAsync("dialog[open] button[data-action='cancel']");
            await Poll.UntilAsync(() => page.Driver.FindElements(By.CssSelector("dialog[open]")).Count == 0, "the dialog closes");
            Assert.Equal(JobStatus.Running, (await Cluster.Job(jobId).GetDetailsAsync()).Status);

            await page.ClickAsync("button[data-action='cancel']");
            await page.ClickAsync("dialog[open] button[data-action='confirm']");
            await WaitForStatusAsync(jobId, JobStatus.Canceled);
            await page.WaitForTextAsync("h1 .badge", "CANCELED");
            await page.WaitForAsync("button[data-action='savepoint']", b => !b.Enabled, "the actions are disabled for a canceled job");
        }
        finally
        {
            await CancelQuietlyAsync(jobId);
        }
    }

    [Fact]
    public async Task AFailedActionShowsTheApisErrorMessageAndNothingElse()
    {
        // Without a checkpoint interval the job cannot take checkpoints: the API refuses with a message.
        var jobId = await SubmitRunningAsync();
        try
        {
            var expected = (await fixture.Rest.Http.PostJsonAsync($"/jobs/{jobId}/checkpoints", "{}")).Error;
            var page = fixture.Page;
            page.Open($"#/jobs/{jobId}");
            await page.ClickAsync("button[data-action='checkpoint']");
            await page.ClickAsync("dialog[open] button[data-action='confirm']");

            var shown = await page.BannerAsync("error", expected);
            Assert.Equal(expected, shown);
        }
        finally
        {
            await CancelQuietlyAsync(jobId);
        }
    }

    [Fact]
    public async Task TheOrleansDashboardIsServedOnTheSamePortWhenEnabled()
    {
        var page = fixture.Page;
        page.Open("");
        (await page.WaitForAsync("#orleans-link")).Click();
        await Poll.UntilAsync(() => page.Driver.Title == "Orleans Dashboard", "Orleans' dashboard page loads", detail: () => page.Driver.Title);
        Assert.EndsWith("/orleans-dashboard/", page.Driver.Url, StringComparison.Ordinal);

        // Its API answers through the silo's grains, which count this silo once their first update ran.
        RestReply? counters = null;
        await Poll.UntilAsync(async () =>
        {
            counters = await fixture.Rest.Http.GetJsonAsync("/orleans-dashboard/DashboardCounters");
            return counters.Status == System.Net.HttpStatusCode.OK && counters.Object["totalActiveHostCount"]!.GetValue<int>() >= 1;
        }, "Orleans' dashboard counts the silo", detail: () => counters?.ToString() ?? "");
    }

    [Fact]
    public async Task ClosingTheBrowserEndsEveryProcessItStarted()
    {
        var browser = new HeadlessChromium();
        var started = browser.ProcessTree();
        Assert.True(started.Count >= 2, "chromedriver and the browser");

        browser.Dispose();

        await Poll.UntilAsync(() => !started.Any(LinuxProcesses.IsRunning), "no chromedriver or chromium process of the closed browser runs",
            detail: () => string.Join(", ", started.Where(LinuxProcesses.IsRunning)));
    }

    [GeneratedRegex("#/jobs/([0-9a-f]{32})$")]
    private static partial Regex JobRoute();
}
