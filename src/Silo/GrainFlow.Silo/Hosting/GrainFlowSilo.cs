using GrainFlow.Configuration;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Silo.Examples;
using Microsoft.Extensions.Hosting;

namespace GrainFlow.Silo.Hosting;

/// <summary>Builds the GrainFlow silo host from command-line arguments (used by Program and by process-level tests).</summary>
public static class GrainFlowSilo
{
    /// <exception cref="ConfigurationValueException">A configuration value is malformed; the message names the key.</exception>
    public static HostApplicationBuilder CreateBuilder(string[] args, out GrainFlowConfiguration configuration, out List<string> remainingArgs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        configuration = SiloConfigurationLoader.Load(builder.Configuration, args, out remainingArgs);
        var problems = GrainFlowOptionsValidator.Problems(configuration, checkStorage: true).Concat(configuration.Validate(ClusterOptions.All)).ToList();
        if (problems.Count > 0) throw new ConfigurationValueException(problems);
        var clusterConfiguration = configuration;
        builder.UseOrleans(silo => silo
            .UseGrainFlowCluster(clusterConfiguration)
            .AddGrainFlow(o => o.Configuration = clusterConfiguration)
            .AddExampleJobs());
        return builder;
    }
}
