using GrainFlow.Configuration;
using GrainFlow.Hosting;
using Microsoft.Extensions.DependencyInjection;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Hosting.Telemetry;
using GrainFlow.Silo.Rest.Hosting;
using Microsoft.Extensions.Hosting;

namespace GrainFlow.Silo.Hosting;

/// <summary>Builds the GrainFlow silo host from command-line arguments (used by Program and by process-level tests).</summary>
public static class GrainFlowSilo
{
    /// <summary>The name of the Orleans stream provider backed by GrainFlow topics.</summary>
    public const string TopicStreamsProviderName = "topics";

    /// <summary>The keys the silo host reads beyond GrainFlow's runtime keys.</summary>
    public static IReadOnlyList<ConfigOption> SiloOptions { get; } = [.. ClusterOptions.All, .. RestOptions.All];

    /// <exception cref="ConfigurationValueException">A configuration value is malformed; the message names the key.</exception>
    public static HostApplicationBuilder CreateBuilder(string[] args, out GrainFlowConfiguration configuration, out List<string> remainingArgs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        configuration = SiloConfigurationLoader.Load(builder.Configuration, args, out remainingArgs, out var warnings);
        // Before the host exists there is no logger; these lines come first on the silo's output.
        foreach (var warning in warnings) Console.Error.WriteLine($"warning: {warning}");
        var problems = GrainFlowOptionsValidator.Problems(configuration, checkStorage: true)
            .Concat(configuration.Validate(SiloOptions))
            .ToList();
        if (problems.Count == 0 && configuration.Get(RestOptions.Enabled))
        {
            // Checked here rather than when the silo starts, so a refusal is one line before anything runs.
            var rest = RestApiOptions.From(configuration);
            problems.AddRange(RestApiOptionsValidator.Problems(rest));
            if (problems.Count == 0 && RestApiOptionsValidator.PortProblem(rest) is { } busy) problems.Add(busy);
        }
        if (problems.Count == 0 && StartupPortCheck.SiloPortsProblem(configuration) is { } ports) problems.Add(ports);
        if (problems.Count > 0) throw new ConfigurationValueException(problems);
        var clusterConfiguration = configuration;
        builder.UseOrleans(silo => silo
            .UseGrainFlowCluster(clusterConfiguration)
            .AddGrainFlow(o => o.Configuration = clusterConfiguration)
            // IAsyncStream<T>.OnNextAsync on provider "topics" appends durably to GrainFlow topics.
            .AddGrainFlowGrainStorage("PubSubStore", clusterConfiguration)
            .AddTopicStreams(TopicStreamsProviderName)
            .UseGrainFlowRestApi(clusterConfiguration)
            .AddGrainFlowTelemetry()
            .AddExampleJobs());
        return builder;
    }
}
