using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Runtime.Execution;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A GrainFlow silo. Options: -D key=value (any configuration key), --properties <file>,
// --run <job> (submit a registered job once the silo is up), --exit-when-finished.
try
{
    var builder = GrainFlowSilo.CreateBuilder(args, out _, out var rest);
    var runIndex = rest.IndexOf("--run");
    string? jobName = null;
    if (runIndex >= 0)
    {
        if (runIndex + 1 >= rest.Count) throw new ArgumentException("--run needs a job name, e.g. --run keyed-count.");
        jobName = rest[runIndex + 1];
        var exit = rest.Contains("--exit-when-finished");
        rest.RemoveRange(runIndex, 2);
        rest.Remove("--exit-when-finished");
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ExampleJobRunner>(sp, jobName, exit));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ExampleJobRunner>());
    }
    if (rest.Count > 0) throw new ArgumentException($"Unknown argument '{rest[0]}'. Use -D key=value, --properties <file>, --run <job> and --exit-when-finished.");
    using var host = builder.Build();
    // Before the silo starts: a job it cannot run is a mistake on the command line, not something to keep running for.
    var catalog = host.Services.GetRequiredService<JobCatalog>();
    if (jobName is not null && !catalog.Contains(jobName)) throw new UnknownJobException(jobName, catalog.Names);
    var runner = host.Services.GetService<ExampleJobRunner>();
    await host.RunAsync();
    return runner?.ExitCode ?? 0;
}
catch (Exception e) when (IsSettingProblem(e) is not null)
{
    Console.Error.WriteLine(IsSettingProblem(e)!.Message);
    return 2;
}

// A setting the silo cannot run with, also when the silo's lifecycle wraps it (a REST port already in use).
static Exception? IsSettingProblem(Exception e) =>
    e is ConfigurationValueException or ArgumentException or UnknownJobException or Orleans.Runtime.OrleansConfigurationException ? e
    : e.InnerException is { } inner ? IsSettingProblem(inner)
    : null;
