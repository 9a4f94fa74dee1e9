using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Browser;

/// <summary>The dashboard of a silo with grainflow.rest.token: the page loads, asks for the token and sends it with every call.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardTokenBrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Token = "a-dashboard-token-of-enough-length";

    private RestCluster _rest = null!;

    public async Task InitializeAsync() => _rest = await RestCluster.StartAsync(o => o.Token = Token, prefix: "grainflow-browser-token");

    public async Task DisposeAsync() => await _rest.DisposeAsync();

    [Fact]
    public async Task ThePageAsksForTheTokenRefusesAWrongOneAndShowsTheJobsWithTheRightOne()
    {
        var jobId = await _rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "1000", ["sink"] = "discard",
        });
        try
        {
            var page = new DashboardPage(fixture.Browser.Driver, _rest.Http.BaseAddress!);
            page.Open("");
            Assert.Contains("Missing bearer token", (await page.DialogAsync()).Text, StringComparison.Ordinal);
            page.Screenshot("token");
            await page.TypeAsync("dialog[open] input[name='token']", "not-the-token-of-this-silo");
            await page.ClickAsync("dialog[open] button[data-action='confirm']");

            await page.WaitForAsync("dialog[open]", d => d.Text.Contains("Invalid bearer token", StringComparison.Ordinal));
            await page.TypeAsync("dialog[open] input[name='token']", Token);
            await page.ClickAsync("dialog[open] button[data-action='confirm']");

            await page.WaitForAsync($"tr[data-job='{jobId}']", r => r.Text.Contains("RUNNING", StringComparison.Ordinal));
        }
        finally
        {
            await _rest.Cluster.Job(jobId).CancelAsync();
        }
    }
}
