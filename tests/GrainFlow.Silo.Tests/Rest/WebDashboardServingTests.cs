using System.Net;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>The web dashboard's files on the REST port, and Orleans' dashboard absent unless enabled.</summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class WebDashboardServingTests(LoopbackRestFixture fixture)
{
    [Fact]
    public async Task TheRootServesThePageItsModulesAndAPolicyThatAllowsOnlyTheSilosOwnScripts()
    {
        using var page = await fixture.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);

        foreach (var module in new[] { "app.js", "api.js", "job-graph.js", "checkpoints-tab.js" })
        {
            using var script = await fixture.Http.GetAsync($"/{module}");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }
        using var style = await fixture.Http.GetAsync("/style.css");
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);

        // The API is unchanged beside the files.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetJsonAsync("/jobs/overview")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetJsonAsync("/no-such-page.js")).Status);
    }

    [Fact]
    public async Task OrleansDashboardIsNotServedUnlessEnabled()
    {
        var page = await fixture.Http.GetJsonAsync("/orleans-dashboard/");
        var api = await fixture.Http.GetJsonAsync("/orleans-dashboard/DashboardCounters");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Equal(HttpStatusCode.NotFound, api.Status);
    }
}
