using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.State;

/// <summary>
/// The state backends every keyed-state contract test runs against (one suite, every backend): a
/// test takes the backend's <c>state.backend.type</c> as its first argument from <see cref="All"/> or
/// <see cref="With"/>, and gets its backends through the runtime's own factories, as a keyed operator does.
/// A backend joins the suite with one row in <see cref="Settings"/>.
/// </summary>
public static class StateBackendsUnderTest
{
    public const string Heap = "hashmap";

    public const string RocksDb = "rocksdb";

    /// <summary>Each backend, and the job settings its tests run with (created per backend, e.g. a fresh local directory).</summary>
    private static readonly IReadOnlyDictionary<string, Func<GrainFlowConfiguration>> Settings = new Dictionary<string, Func<GrainFlowConfiguration>>
    {
        [Heap] = () => GrainFlowConfiguration.Empty,
        [RocksDb] = () => GrainFlowConfiguration.Empty.With(StateBackendOptions.RocksDbLocalDirectory.Key, Path.Combine(Path.GetTempPath(), "grainflow-contract-rocksdb")),
    };

    /// <summary>What a keyed operator's services hold in a silo: the state codecs the RocksDB backend writes its values with.</summary>
    internal static IServiceProvider Services { get; } = new ServiceCollection().AddSerializer().AddSingleton<StateCodecs>().BuildServiceProvider();

    /// <summary>One row per backend.</summary>
    public static TheoryData<string> All => new(Settings.Keys);

    /// <summary>Every case of a theory for every backend: rows of the backend followed by the case's arguments.</summary>
    public static IEnumerable<object[]> With(params object[][] cases) =>
        Settings.Keys.SelectMany(backend => cases.Select(arguments => (object[])[backend, .. arguments]));

    /// <summary>The job configuration that makes a keyed operator use <paramref name="backend"/>.</summary>
    internal static GrainFlowConfiguration Configuration(string backend) =>
        Settings[backend]().With(CheckpointingOptions.StateBackend.Key, backend);

    /// <summary>The backend of subtask <paramref name="subtask"/> of <paramref name="parallelism"/>, created as <see cref="KeyedOperatorBase{TKey, TIn}"/> creates it.</summary>
    internal static IKeyedStateBackend<TKey> Create<TKey>(string backend, int subtask, int parallelism, int maxParallelism) where TKey : notnull =>
        KeyedStateBackendFactories.Create<TKey>(new OperatorContext(JobId.New(), "contract", 1, "keyed", subtask, parallelism, maxParallelism,
            Configuration(backend), Services, TimeProvider.System, NullLogger.Instance));
}
