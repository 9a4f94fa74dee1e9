using GrainFlow.Runtime.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans;

namespace GrainFlow.Silo.Hosting.Telemetry;

/// <summary>
/// Exports GrainFlow's metrics (the <c>GrainFlow</c> meter, Flink's names) and Orleans' own
/// (<c>Microsoft.Orleans</c>) with OpenTelemetry: always to the Prometheus scrape endpoint the REST
/// API serves at <c>/metrics</c>, and with the checkpoint and restore traces over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the OTEL_* variables itself).
/// Exporters work on their own threads: one that cannot reach its endpoint only logs, it never
/// slows or fails a job.
/// </summary>
public static class TelemetrySiloBuilderExtensions
{
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds the exporters once, however often it is called.</summary>
    public static ISiloBuilder AddGrainFlowTelemetry(this ISiloBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(TelemetryAdded))) return builder;
        builder.Services.AddSingleton<TelemetryAdded>();
        var otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(GrainFlowInstruments.Name, OrleansMeter);
            metrics.AddPrometheusExporter();
            if (otlp) metrics.AddOtlpExporter();
        });
        if (otlp) telemetry.WithTracing(tracing => tracing.AddSource(GrainFlowInstruments.Name).AddOtlpExporter());
        return builder;
    }

    private sealed class TelemetryAdded;
}
