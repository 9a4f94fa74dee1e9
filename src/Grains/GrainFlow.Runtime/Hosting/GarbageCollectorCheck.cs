using System.Runtime;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Hosting;

/// <summary>
/// Says at start which garbage collector the silo runs, and warns when it is the workstation collector in
/// its concurrent (background) mode on more than one core. That mode caps the youngest generation's budget
/// at 6 MiB, so a job holding hundreds of thousands of young window or state entries collects a dozen
/// times a second: the tumbling window count paused 15 % of its run and `user-sessions` ran 30 % slower
/// than on server GC (docs/BENCHMARKS.md "The silo's garbage collector"). It is a project setting of the
/// silo's host, out of GrainFlow's reach, so the silo names it where its operator looks.
/// </summary>
internal sealed partial class GarbageCollectorCheck(ILogger<GarbageCollectorCheck> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GarbageCollectorCheck), ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            Report(GCSettings.IsServerGC, GCSettings.LatencyMode, Environment.ProcessorCount);
            return Task.CompletedTask;
        });

    private void Report(bool serverGc, GCLatencyMode latencyMode, int processors)
    {
        if (Advice(serverGc, latencyMode, processors) is { } advice) LogAdvice(advice);
        else LogCollector(Describe(serverGc, latencyMode));
    }

    /// <summary>What the silo's operator should change, or null when the collector suits a silo.</summary>
    internal static string? Advice(bool serverGc, GCLatencyMode latencyMode, int processors) =>
        !serverGc && latencyMode == GCLatencyMode.Interactive && processors > 1
            ? $"The silo runs the {Describe(serverGc, latencyMode)} garbage collector on {processors} cores: in that mode the youngest generation is collected " +
              "every 6 MiB allocated, and jobs that keep many windows or much keyed state run 20-50 % slower. Set " +
              "<ServerGarbageCollection>true</ServerGarbageCollection> in the silo's project (or DOTNET_gcServer=1 in its environment), as Orleans recommends for silos."
            : null;

    internal static string Describe(bool serverGc, GCLatencyMode latencyMode) =>
        (serverGc ? "server" : "workstation") + (latencyMode == GCLatencyMode.Batch ? ", non-concurrent" : ", concurrent");

    [LoggerMessage(Level = LogLevel.Information, Message = "The silo runs the {Collector} garbage collector")]
    private partial void LogCollector(string collector);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Advice}")]
    private partial void LogAdvice(string advice);
}
