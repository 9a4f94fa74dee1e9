using GrainFlow.Silo.Hosting.Telemetry;
using GrainFlow.Testing.Network;

namespace GrainFlow.Bench;

/// <summary>
/// Metrics and tracing "on" for the metrics-overhead suite: OTLP export of the metrics every second
/// and of every checkpoint's trace, to a loopback port nobody listens on (the exporters try and fail,
/// as with a collector that is down), and a Prometheus scrape of <c>/metrics</c> every second. "Off"
/// has none of them: nothing collects the instruments and no listener samples the traces (the
/// per-batch counting into the subtasks' figures runs either way).
/// </summary>
internal sealed class TelemetryLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _scraping;
    private readonly int _restPort;

    private TelemetryLoad(int restPort)
    {
        _restPort = restPort;
        _scraping = ScrapeEverySecondAsync();
    }

    public long Scrapes { get; private set; }

    /// <summary>Sets the OTLP variables the silo reads when built, and returns the -D settings that open its REST API.</summary>
    public static string[] Prepare(out int restPort)
    {
        Environment.SetEnvironmentVariable(TelemetrySiloBuilderExtensions.OtlpEndpointVariable, $"http://127.0.0.1:{FreeLoopbackPort.Find()}");
        Environment.SetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        restPort = FreeLoopbackPort.Find();
        return ["-D", "grainflow.rest.enabled=true", "-D", $"rest.port={restPort}"];
    }

    /// <summary>Starts scraping once the silo (and its REST API) runs.</summary>
    public static TelemetryLoad Start(int restPort) => new(restPort);

    private async Task ScrapeEverySecondAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_restPort}") };
        while (!_stop.IsCancellationRequested)
        {
            var text = await http.GetStringAsync("/metrics", _stop.Token);
            if (!text.Contains("flink_", StringComparison.Ordinal) && Scrapes > 2) throw new InvalidOperationException("The scrape has no GrainFlow series.");
            Scrapes++;
            await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _scraping;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
