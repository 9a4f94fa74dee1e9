using System.Collections.Concurrent;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Runtime.Tests.Execution;

/// <summary>
/// The resumption of unfinished jobs when a cluster starts is done by one silo, not by every silo
/// that starts with it (a restarted single silo doing it is proven with processes in SiloRestartTests).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterStartTests : IDisposable
{
    private const int Silos = 3;
    private readonly TemporaryDirectory _directory = new("grainflow-clusterstart");

    [Fact]
    public async Task OfTheSilosStartingTogetherExactlyOneResumesTheUnfinishedJobs()
    {
        var log = new ResumptionLog();
        await using var cluster = await GrainFlowTestCluster.StartAsync(new FileSystemObjectStore(_directory.Combine("store")), Silos, silo =>
        {
            RuntimeCluster.RegisterTestJobs(silo);
            silo.Services.AddLogging(logging => logging.AddProvider(log).AddFilter<ResumptionLog>(typeof(JobResumptionOnStart).FullName, LogLevel.Debug));
        });

        await RecoveryProbe.WaitUntilAsync(() => Task.FromResult(log.Decisions.Count == Silos), $"each of the {Silos} silos decided");

        Assert.Equal(1, log.Decisions.Count(d => d.StartsWith("First silo", StringComparison.Ordinal)));
        Assert.Equal(Silos - 1, log.Decisions.Count(d => d.StartsWith("Another silo", StringComparison.Ordinal)));
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Collects what the silos' <see cref="JobResumptionOnStart"/> logged.</summary>
    private sealed class ResumptionLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Decisions { get; } = new();

        public ILogger CreateLogger(string categoryName) => categoryName == typeof(JobResumptionOnStart).FullName ? new Collector(Decisions) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Collector(ConcurrentQueue<string> decisions) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (message.Contains("silo of this cluster start", StringComparison.Ordinal)) decisions.Enqueue(message);
            }
        }
    }
}
