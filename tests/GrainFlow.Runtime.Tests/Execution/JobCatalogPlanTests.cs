using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples;
using Microsoft.Extensions.DependencyInjection;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary><see cref="JobCatalog.Plan"/> without a cluster: what a job record keeps, and what is refused before it exists.</summary>
[Trait("Category", "Unit")]
public sealed class JobCatalogPlanTests
{
    private static JobCatalog Catalog(params (string Key, string Value)[] cluster) => new(
        [new JobRegistration(KeyedCountJob.Name, _ => new KeyedCountJob())],
        new ServiceCollection().BuildServiceProvider(),
        new GrainFlowConfiguration(cluster.Select(c => new KeyValuePair<string, string>(c.Key, c.Value))));

    [Fact]
    public void TheJobKeepsTheClusterSettingsItWasSubmittedWithButNotTheSilosOwnKeysOrSecrets()
    {
        var catalog = Catalog(("records", "5000"), ("execution.checkpointing.interval", "2 s"),
            ("grainflow.storage.azure.connection-string", "AccountKey=secret"), ("grainflow.submission.max-parallelism", "64"));

        var planned = catalog.Plan(JobId.New(), new JobSubmission(KeyedCountJob.Name, new Dictionary<string, string> { [" keys "] = "7" }));

        Assert.Equal("5000", planned.Submission.Configuration["records"]);
        Assert.Equal("2 s", planned.Submission.Configuration["execution.checkpointing.interval"]);
        Assert.Equal("7", planned.Submission.Configuration["keys"]);
        Assert.DoesNotContain("grainflow.storage.azure.connection-string", planned.Submission.Configuration.Keys);
        Assert.DoesNotContain("grainflow.submission.max-parallelism", planned.Submission.Configuration.Keys);
    }

    [Fact]
    public void ASubmissionOverridesTheClusterSettingItWouldOtherwiseKeep()
    {
        var planned = Catalog(("records", "5000")).Plan(JobId.New(), new JobSubmission(KeyedCountJob.Name, new Dictionary<string, string> { ["records"] = "10" }));

        Assert.Equal("10", planned.Submission.Configuration["records"]);
    }

    [Fact]
    public void TheClusterLimitComesFromTheSilosAndNotFromTheSubmission()
    {
        var catalog = Catalog(("grainflow.submission.max-parallelism", "4"));

        var refused = Assert.Throws<JobConfigurationException>(() => catalog.Plan(JobId.New(),
            new JobSubmission(KeyedCountJob.Name, new Dictionary<string, string> { ["grainflow.submission.max-parallelism"] = "100" }, Parallelism: 5)));

        Assert.Contains("above this cluster's limit of 4", refused.Message);
        Assert.NotNull(catalog.Plan(JobId.New(), new JobSubmission(KeyedCountJob.Name, new Dictionary<string, string>(), Parallelism: 4)).Graph);
    }
}
