using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Rest.Hosting;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// The REST API bound beyond loopback (0.0.0.0): a bearer token on every request, and savepoint,
/// restore and dispose paths only under the allowed roots — a refused path writes and deletes nothing.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ProtectionTests : IAsyncLifetime
{
    private const string Token = "a-test-token-of-enough-length";
    private const string PublicHost = "grainflow.example.com";
    private RestCluster _rest = null!;
    private readonly TemporaryDirectory _outside = new("grainflow-outside");
    private readonly TemporaryDirectory _allowed = new("grainflow-allowed");

    public async Task InitializeAsync() => _rest = await RestCluster.StartAsync(o =>
    {
        o.BindAddress = "0.0.0.0";
        o.Token = Token;
        o.AllowedRoots = [_allowed.Path];
        o.AllowedHosts = [PublicHost];
    }, prefix: "grainflow-rest-protected");

    public async Task DisposeAsync()
    {
        await _rest.DisposeAsync();
        _outside.Dispose();
        _allowed.Dispose();
    }

    [Fact]
    public async Task EveryRequestNeedsTheBearerToken()
    {
        using var anonymous = new HttpClient { BaseAddress = _rest.Http.BaseAddress };
        var missing = await anonymous.GetJsonAsync("/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.StartsWith("Missing bearer token", missing.Error);

        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "a-wrong-token-of-enough-length");
        var wrong = await anonymous.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.StartsWith("Invalid bearer token", wrong.Error);
        Assert.Empty(await _rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync());

        Assert.Equal(HttpStatusCode.OK, (await _rest.Http.GetJsonAsync("/jobs")).Status);
    }

    [Fact]
    public async Task TheMetricsScrapeNeedsTheBearerTokenToo()
    {
        using var anonymous = new HttpClient { BaseAddress = _rest.Http.BaseAddress };
        var missing = await anonymous.GetJsonAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.StartsWith("Missing bearer token", missing.Error);

        using var scrape = await _rest.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    [Fact]
    public async Task WithATokenTheConfiguredHostNameIsAcceptedAndARebindingHostOrForeignOriginIsNot()
    {
        void Host(HttpRequestMessage request, string host, string? origin = null)
        {
            request.Headers.Host = host;
            if (origin is not null) request.Headers.Add("Origin", origin);
        }
        // Behind a proxy the port the client uses differs from the one the silo listens on.
        var named = await _rest.Http.SendJsonAsync(HttpMethod.Get, "/jobs", null, headers: r => Host(r, $"{PublicHost}:443"));
        Assert.True(named.Status == HttpStatusCode.OK, named.ToString());
        // Past the protection, the request meets the next rule: the allowed roots.
        var sameOrigin = await _rest.Http.SendJsonAsync(HttpMethod.Post, "/savepoint-disposal", $$"""{"savepoint-path": "{{_outside.Combine("x")}}"}""",
            headers: r => Host(r, PublicHost, $"http://{PublicHost}"));
        Assert.True(sameOrigin.Status == HttpStatusCode.BadRequest, sameOrigin.ToString());
        Assert.Contains("savepoint-path", sameOrigin.Error);

        var rebound = await _rest.Http.SendJsonAsync(HttpMethod.Get, "/jobs", null, headers: r => Host(r, $"evil.example:{_rest.Http.BaseAddress!.Port}"));
        Assert.Equal(HttpStatusCode.Forbidden, rebound.Status);
        var foreign = await _rest.Http.SendJsonAsync(HttpMethod.Post, $"/jars/{KeyedCountJob.Name}/run", "{}", headers: r => Host(r, PublicHost, "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Empty(await _rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync());
    }

    [Fact]
    public async Task PathsOutsideTheAllowedRootsAreRefusedAndNothingIsWrittenOrDeleted()
    {
        var jobId = await _rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "1000", ["sink"] = "discard",
            ["execution.checkpointing.interval"] = "1 h", ["execution.checkpointing.dir"] = _rest.Directory.Combine("checkpoints"),
        });
        try
        {
            var allowed = _allowed.Path;
            var refused = new[]
            {
                _outside.Combine("savepoints"),
                $"{allowed}/../escaped",
                $"{allowed}/%2e%2e/escaped",
                "relative/savepoints",
                $"file://{_outside.Combine("savepoints")}",
                "https://account.blob.core.windows.net/other-container/savepoints",
                "azblob://other-container/savepoints",
            };
            foreach (var path in refused)
            {
                var savepoint = await _rest.Http.PostJsonAsync($"/jobs/{jobId}/savepoints", $$"""{"target-directory": "{{path}}"}""");
                Assert.True(savepoint.Status == HttpStatusCode.BadRequest, $"{path}: {savepoint}");
                Assert.Contains("is refused", savepoint.Error);
                var stop = await _rest.Http.PostJsonAsync($"/jobs/{jobId}/stop", $$"""{"targetDirectory": "{{path}}"}""");
                Assert.Equal(HttpStatusCode.BadRequest, stop.Status);
            }
            Assert.False(Directory.Exists(_outside.Combine("savepoints")));
            Assert.Equal(JobStatus.Running, (await _rest.Cluster.Job(jobId).GetDetailsAsync()).Status);
        }
        finally
        {
            await _rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task DisposingOrRestoringOutsideTheAllowedRootsIsRefusedAndTheFilesStay()
    {
        // Something that looks like a savepoint, outside the roots: it must survive a disposal request.
        var foreign = Directory.CreateDirectory(_outside.Combine("savepoint-abcdef-0123456789ab")).FullName;
        File.WriteAllText(Path.Combine(foreign, "_metadata"), "precious");

        var dispose = await _rest.Http.PostJsonAsync("/savepoint-disposal", $$"""{"savepoint-path": "{{foreign}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, dispose.Status);
        Assert.Contains("savepoint-path", dispose.Error);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(foreign, "_metadata")));

        var jobsBefore = (await _rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
        var inBody = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", $$"""{"savepointPath": "{{foreign}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, inBody.Status);
        Assert.Contains("savepointPath", inBody.Error);
        var inQuery = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run?savepointPath={Uri.EscapeDataString(foreign)}", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, inQuery.Status);
        var inConfiguration = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$"""{"flinkConfiguration": {"execution.checkpointing.dir": "{{_outside.Combine("checkpoints")}}"} }""");
        Assert.Equal(HttpStatusCode.BadRequest, inConfiguration.Status);
        Assert.Contains("execution.checkpointing.dir", inConfiguration.Error);
        var inArguments = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$"""{"programArgsList": ["-Dexecution.savepoint.path={{foreign}}"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, inArguments.Status);

        Assert.Equal(jobsBefore, (await _rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count);
        Assert.False(Directory.Exists(_outside.Combine("checkpoints")));
    }

    [Fact]
    public async Task ALocationUnderAnAllowedRootIsAccepted()
    {
        var checkpoints = _allowed.Combine("checkpoints");
        var run = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$"""{"programArgsList": ["--records", "100000000", "--records-per-second", "1000", "--sink", "discard"], "flinkConfiguration": {"execution.checkpointing.interval": "50 ms", "execution.checkpointing.dir": "{{checkpoints}}"} }""");
        Assert.True(run.Status == HttpStatusCode.OK, run.ToString());
        var jobId = JobId.Parse(run.Object["jobid"]!.GetValue<string>());
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await _rest.Cluster.Job(jobId).GetCheckpointStatsAsync()).LatestCompleted is null && DateTime.UtcNow < deadline) await Task.Delay(50);
            var latest = (await _rest.Cluster.Job(jobId).GetCheckpointStatsAsync()).LatestCompleted;
            Assert.NotNull(latest);
            Assert.StartsWith(checkpoints, latest.ExternalPath);
            Assert.True(File.Exists(Path.Combine(latest.ExternalPath!, "_metadata")), "the job writes its checkpoints under the allowed root");
        }
        finally
        {
            await _rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public void ASiloBeyondLoopbackWithoutATokenRefusesToStart()
    {
        var problems = RestApiOptionsValidator.Problems(new RestApiOptions { BindAddress = "0.0.0.0" });
        Assert.Contains("beyond loopback, without a token: set grainflow.rest.token", Assert.Single(problems));
        Assert.Empty(RestApiOptionsValidator.Problems(new RestApiOptions { BindAddress = "127.0.0.1" }));
        Assert.Empty(RestApiOptionsValidator.Problems(new RestApiOptions { BindAddress = "0.0.0.0", Token = Token }));
        Assert.Contains("'http://grainflow.example.com' is not a host name",
            Assert.Single(RestApiOptionsValidator.Problems(new RestApiOptions { AllowedHosts = ["http://grainflow.example.com"] })));
    }

    [Fact]
    public async Task TheDashboardsFilesLoadWithoutTheTokenButItsDataDoesNotAndAForeignHostGetsNeither()
    {
        using var anonymous = new HttpClient { BaseAddress = _rest.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync("/jobs/overview")).Status);

        var rebound = await anonymous.SendJsonAsync(HttpMethod.Get, "/", null, headers: r => r.Headers.Host = "attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, rebound.Status);
    }
}
