using GrainFlow.Configuration;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Silo.Hosting;
using GrainFlow.Silo.Rest.Hosting;
using MyGrainFlowApp;
using Microsoft.Extensions.Hosting;

// An Orleans silo that runs GrainFlow jobs. It reads the same keys as the GrainFlow silo, lowest precedence
// first: appsettings.json (section "GrainFlow"), application.properties, the GRAINFLOW_PROPERTIES environment
// variable, GrainFlow__<key> environment variables and -D key=value arguments (--properties <file> for another file).
try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
    var configuration = SiloConfigurationLoader.Load(builder.Configuration, args, out var unknown, out var warnings);
    if (unknown.Count > 0) throw new ArgumentException($"Unknown argument '{unknown[0]}'. Use -D key=value and --properties <file>.");
    // Deprecated keys and values, and keys GrainFlow does not know or support (typos), one line each.
    foreach (var warning in warnings) Console.Error.WriteLine($"warning: {warning}");
    builder.UseOrleans(silo => silo
        // grainflow.cluster.type: LOCALHOST (the default: this silo alone, gateway on grainflow.gateway.port=30000) or REDIS.
        .UseGrainFlowCluster(configuration)
        // grainflow.storage.type: FILE (the default, under grainflow.storage.dir) or AZURE_BLOB; checkpoints, topics and job records live there.
        .AddGrainFlow(o => o.Configuration = configuration)
        // Flink's REST API on http://127.0.0.1:8081 (rest.port, rest.bind-address; grainflow.rest.enabled=false turns it off).
        .UseGrainFlowRestApi(configuration)
        // The name 'grainflow run' and POST /jars/<name>/run use.
        .AddGrainFlowJob<CountPerKeyJob>(CountPerKeyJob.Name));
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (Exception e) when (e is ConfigurationValueException or ArgumentException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
