using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// A web page open on the same machine must not use the loopback API through the browser: bodies
/// that are not declared JSON (a "simple" cross-site request), foreign origins and hosts that are not
/// this API (DNS rebinding) are refused before anything is created or deleted; the API's own origin
/// and clients without an Origin (curl) keep working.
/// </summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CrossSiteRequestTests(LoopbackRestFixture fixture) : IDisposable
{
    private readonly TemporaryDirectory _directory = new("grainflow-cross-site");

    private int Port => fixture.Http.BaseAddress!.Port;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ABodyNotDeclaredJsonIsRefusedWith415AndNothingIsCreatedOrDeleted()
    {
        var savepoint = Directory.CreateDirectory(_directory.Combine("savepoint-abcdef-0123456789ab")).FullName;
        File.WriteAllText(Path.Combine(savepoint, "_metadata"), "precious");
        var jobsBefore = await JobCountAsync();

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x" })
        {
            var run = await Send(HttpMethod.Post, $"/jars/{KeyedCountJob.Name}/run", """{"programArgsList": ["--records", "10"]}""", contentType);
            Assert.True(run.Status == HttpStatusCode.UnsupportedMediaType, $"{contentType}: {run}");
            Assert.Contains("Content-Type: application/json", run.Error);
            var dispose = await Send(HttpMethod.Post, "/savepoint-disposal", $$"""{"savepoint-path": "{{savepoint}}"}""", contentType);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, dispose.Status);
        }
        using var withoutType = new HttpRequestMessage(HttpMethod.Post, $"/jars/{KeyedCountJob.Name}/run") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        using var untyped = await fixture.Http.SendAsync(withoutType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, untyped.StatusCode);
        Assert.Contains("no Content-Type", await untyped.Content.ReadAsStringAsync());

        Assert.Equal(jobsBefore, await JobCountAsync());
        Assert.Equal("precious", File.ReadAllText(Path.Combine(savepoint, "_metadata")));
    }

    [Fact]
    public async Task ARequestFromAForeignOriginIsRefusedAndNoJobIsCreated()
    {
        var jobsBefore = await JobCountAsync();
        foreach (var origin in new[] { "http://evil.example", $"http://evil.example:{Port}", $"https://127.0.0.1:{Port}", $"http://127.0.0.1:{Port + 1}", "null" })
        {
            var run = await Send(HttpMethod.Post, $"/jars/{KeyedCountJob.Name}/run", "{}", origin: origin);
            Assert.True(run.Status == HttpStatusCode.Forbidden, $"{origin}: {run}");
            Assert.StartsWith($"Origin '{origin}' is refused", run.Error);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/jobs", null, origin: "http://evil.example")).Status);
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Fact]
    public async Task AHostThatIsNotThisApiIsRefusedAgainstDnsRebinding()
    {
        var jobsBefore = await JobCountAsync();
        // A rebound name carries the attacker's host name with the API's port; another port is another service.
        foreach (var host in new[] { $"evil.example:{Port}", $"rebind.127.0.0.1.nip.io:{Port}", $"localhost:{Port + 1}", "127.0.0.1" })
        {
            var run = await Send(HttpMethod.Post, $"/jars/{KeyedCountJob.Name}/run", "{}", host: host);
            Assert.True(run.Status == HttpStatusCode.Forbidden, $"{host}: {run}");
            Assert.Contains("grainflow.rest.allowed-hosts", run.Error);
        }
        Assert.Equal(jobsBefore, await JobCountAsync());
    }

    [Fact]
    public async Task TheApisOwnOriginAndClientsWithoutAnOriginAreAccepted()
    {
        foreach (var (host, origin) in new[] { ($"127.0.0.1:{Port}", $"http://127.0.0.1:{Port}"), ($"localhost:{Port}", $"http://localhost:{Port}"), ($"[::1]:{Port}", $"http://[::1]:{Port}") })
        {
            var list = await Send(HttpMethod.Get, "/jobs", null, host: host, origin: origin);
            Assert.True(list.Status == HttpStatusCode.OK, $"{origin}: {list}");
        }

        var run = await Send(HttpMethod.Post, $"/jars/{KeyedCountJob.Name}/run",
            """{"programArgsList": ["--records", "100000000", "--records-per-second", "100", "--sink", "discard"]}""", "application/json; charset=utf-8",
            origin: $"http://localhost:{Port}", host: $"localhost:{Port}");
        Assert.True(run.Status == HttpStatusCode.OK, run.ToString());
        var jobId = JobId.Parse(run.Object["jobid"]!.GetValue<string>());
        Assert.Contains(await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync(), j => j.JobId == jobId);

        // As curl sends it: no Origin, a JSON body, and a PATCH without any body.
        var curl = await Send(HttpMethod.Patch, $"/jobs/{jobId}?mode=cancel", null);
        Assert.True(curl.Status == HttpStatusCode.Accepted, curl.ToString());
    }

    [Fact]
    public async Task APreflightFromAForeignOriginIsRefusedAndOneFromTheOwnOriginIsAnswered()
    {
        using var foreign = Preflight("http://evil.example");
        using var refused = await fixture.Http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        var own = $"http://127.0.0.1:{Port}";
        using var same = Preflight(own);
        using var answered = await fixture.Http.SendAsync(same);
        Assert.Equal(HttpStatusCode.NoContent, answered.StatusCode);
        Assert.Equal(own, Assert.Single(answered.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("Content-Type", Assert.Single(answered.Headers.GetValues("Access-Control-Allow-Headers")));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, $"/jars/{KeyedCountJob.Name}/run");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    private Task<RestReply> Send(HttpMethod method, string path, string? body, string contentType = "application/json", string? origin = null, string? host = null) =>
        fixture.Http.SendJsonAsync(method, path, body, contentType, request =>
        {
            if (origin is not null) request.Headers.Add("Origin", origin);
            if (host is not null) request.Headers.Host = host;
        });

    private async Task<int> JobCountAsync() =>
        (await fixture.Rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
}
