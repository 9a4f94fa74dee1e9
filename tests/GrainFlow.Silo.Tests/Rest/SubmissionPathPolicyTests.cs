using System.Net;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// Defect A of issue 12: a setting name with surrounding whitespace, a deprecated alias or a program
/// argument must not carry a location past <c>grainflow.rest.allowed-roots</c>. Every spelling is
/// normalised before the policy runs, and a refused submission creates nothing.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SubmissionPathPolicyTests : IAsyncLifetime
{
    private RestCluster _rest = null!;
    private readonly TemporaryDirectory _outside = new("grainflow-outside");
    private readonly TemporaryDirectory _allowed = new("grainflow-allowed");

    public async Task InitializeAsync() => _rest = await RestCluster.StartAsync(o =>
    {
        o.BindAddress = "0.0.0.0";
        o.Token = "a-test-token-of-enough-length";
        o.AllowedRoots = [_allowed.Path];
    }, prefix: "grainflow-rest-policy");

    public async Task DisposeAsync()
    {
        await _rest.DisposeAsync();
        _outside.Dispose();
        _allowed.Dispose();
    }

    public static TheoryData<string> CheckpointDirectoryBodies => new()
    {
        """{"flinkConfiguration": {" execution.checkpointing.dir": "OUTSIDE"}}""",
        """{"flinkConfiguration": {"execution.checkpointing.dir\t": "OUTSIDE"}}""",
        """{"flinkConfiguration": {"\u00a0state.checkpoints.dir ": "OUTSIDE"}}""",
        """{"flinkConfiguration": {"state.savepoints.dir": "OUTSIDE"}}""",
        """{"programArgsList": ["-- state.checkpoints.dir=OUTSIDE"]}""",
        """{"programArgsList": ["-D", " execution.checkpointing.dir=OUTSIDE"]}""",
        """{"programArgsList": ["--output", "OUTSIDE"]}""",
        """{"programArgsList": ["--output= OUTSIDE"]}""",
        """{"flinkConfiguration": {" state.backend.rocksdb.localdir": "OUTSIDE", "state.backend.type": "rocksdb"}}""",
        """{"programArgsList": ["-D", "state.backend.rocksdb.localdir =OUTSIDE", "-D", "state.backend.type=rocksdb"]}""",
    };

    [Theory]
    [MemberData(nameof(CheckpointDirectoryBodies))]
    public async Task NoSpellingOfALocationKeyOrLocationParameterGetsPastTheAllowedRoots(string template)
    {
        var outside = _outside.Combine("target");
        var jobsBefore = await JobCountAsync();
        var body = template.Replace("OUTSIDE", outside, StringComparison.Ordinal);

        var reply = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run", body);

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("is refused", reply.Error);
        Assert.Contains(outside, reply.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());
        Assert.False(Directory.Exists(outside), "nothing is written outside the allowed roots");
    }

    [Fact]
    public async Task AClaimedRestoreFromOutsideTheRootsIsRefusedAndLeavesItsFilesAlone()
    {
        var foreign = _outside.Combine("savepoint-000000-000000000000");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "_metadata"), "precious");
        File.WriteAllText(Path.Combine(foreign, "someone-elses-file"), "precious too");
        var jobsBefore = await JobCountAsync();

        var reply = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$"""{"claimMode": "CLAIM", "flinkConfiguration": {" execution.state-recovery.path": "{{foreign}}", "execution.state-recovery.claim-mode ": "CLAIM"} }""");

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("execution.state-recovery.path", reply.Error);
        Assert.Equal(jobsBefore, await JobCountAsync());
        Assert.Equal("precious", File.ReadAllText(Path.Combine(foreign, "_metadata")));
        Assert.Equal("precious too", File.ReadAllText(Path.Combine(foreign, "someone-elses-file")));
    }

    [Fact]
    public async Task AKeyHidingAnInvisibleCharacterIsRefusedRatherThanIgnored()
    {
        var reply = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            """{"flinkConfiguration": {"execution.checkpointing\u200b.dir": "/tmp/x"}}""");

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("invisible character", reply.Error);
        Assert.Contains("\\u200b", reply.Error);
    }

    [Fact]
    public async Task ALocationUnderAnAllowedRootIsAcceptedWhateverItsSpelling()
    {
        var checkpoints = _allowed.Combine("checkpoints");
        var reply = await _rest.Http.PostJsonAsync($"/jars/{KeyedCountJob.Name}/run",
            $$"""{"programArgsList": ["--records", "1000", "--sink", "discard"], "flinkConfiguration": {" state.checkpoints.dir ": "{{checkpoints}}"} }""");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var jobId = JobId.Parse(reply.Object["jobid"]!.GetValue<string>());
        var configuration = await _rest.Cluster.Job(jobId).GetConfigurationAsync();
        Assert.Equal(checkpoints, configuration["execution.checkpointing.dir"]);
        Assert.DoesNotContain(configuration.Keys, k => k != k.Trim() || k == "state.checkpoints.dir");
        var details = await _rest.Cluster.WaitForEndAsync(jobId);
        Assert.Contains(details.Warnings!, w => w.Contains("'state.checkpoints.dir' is deprecated; use 'execution.checkpointing.dir'"));
    }

    private async Task<int> JobCountAsync() =>
        (await _rest.Cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.DefaultKey).ListJobsAsync()).Count;
}
