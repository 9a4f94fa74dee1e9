using GrainFlow.Jobs;
using GrainFlow.Runtime.Diagnostics;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Hosting.Telemetry;
using GrainFlow.Silo.Tests.Fixtures;
using GrainFlow.Testing.Network;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>An OTLP endpoint nobody listens on: the exporters fail on their own threads, and the job runs and checkpoints as usual.</summary>
[Trait("Category", "Cluster")]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task AJobStillRunsAndCompletesCheckpointsWhenTheOtlpEndpointCannotBeReached()
    {
        RestCluster rest;
        // Read when the silo is built: set around the start only (other tests in this process start clusters of their own).
        Environment.SetEnvironmentVariable(TelemetrySiloBuilderExtensions.OtlpEndpointVariable, $"http://127.0.0.1:{FreeLoopbackPort.Find()}");
        Environment.SetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL", "100");
        try
        {
            rest = await RestCluster.StartAsync(prefix: "grainflow-otlp-closed");
        }
        finally
        {
            Environment.SetEnvironmentVariable(TelemetrySiloBuilderExtensions.OtlpEndpointVariable, null);
            Environment.SetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL", null);
        }
        await using var _ = rest;
        // Traces are on: checkpoints start activities that the OTLP exporter then fails to send.
        Assert.True(GrainFlowInstruments.ActivitySource.HasListeners());

        var jobId = await rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "5000", ["sink"] = "discard", ["execution.checkpointing.interval"] = "100 ms",
        }, parallelism: 2);

        await rest.Cluster.WaitForCompletedCheckpointsAsync(jobId, 5, TimeSpan.FromSeconds(60));
        await rest.Cluster.WaitForRecordsAsync(jobId, "count", 2, 2000);
        var details = await rest.Cluster.Job(jobId).GetDetailsAsync();
        Assert.Equal(JobStatus.Running, details.Status);
        Assert.Equal(1, details.Attempt);
        await rest.Cluster.Job(jobId).CancelAsync();
    }
}
