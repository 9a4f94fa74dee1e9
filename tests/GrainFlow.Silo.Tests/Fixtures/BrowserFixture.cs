namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>
/// One silo serving the REST API, the web dashboard and Orleans' dashboard on loopback, and one
/// headless chromium for the "browser" collection.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public RestCluster Rest { get; private set; } = null!;

    public HeadlessChromium Browser { get; private set; } = null!;

    public DashboardPage Page => new(Browser.Driver, Rest.Http.BaseAddress!);

    public async Task InitializeAsync()
    {
        Rest = await RestCluster.StartAsync(o => o.OrleansDashboard = true, prefix: "grainflow-browser");
        Browser = new HeadlessChromium();
    }

    public async Task DisposeAsync()
    {
        Browser?.Dispose();
        if (Rest is not null) await Rest.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
