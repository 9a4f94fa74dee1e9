using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Operators.Windowing;
using GrainFlow.Runtime.Sources;
using GrainFlow.Runtime.Tests.Harness;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>A click of a user worth <see cref="Value"/>: the element type of the window operator tests.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.tests.Click")]
public sealed record Click([property: Id(0)] string User, [property: Id(1)] long Value = 1);

/// <summary>
/// Builds a window exactly as a job does (<c>KeyBy(...).Window(...)...</c> on a real environment) and
/// runs the operator that the window's graph node creates in the keyed-operator harness.
/// </summary>
internal sealed class WindowHarness<TOut>
{
    private readonly List<Click> _lateData = new();
    private IWindowOperator _operator = null!;

    public WindowHarness(Func<KeyedStream<Click, string>, DataStream<TOut>> window, HarnessSetup? setup = null)
    {
        var env = new StreamExecutionEnvironment(GrainFlowConfiguration.Empty);
        var result = window(env.FromSource(new GeneratorSource<Click>(0, i => new Click($"u{i}")), "clicks").KeyBy(c => c.User));
        var node = (OneInputNode<Click, TOut>)result.Node;
        Operator = new KeyedOperatorHarness<string, Click, TOut>(output =>
        {
            var created = (KeyedOperatorBase<string, Click>)node.CreateOperator(output);
            _operator = (IWindowOperator)created;
            return created;
        }, (setup ?? new HarnessSetup()) with { SideOutputs = new LateDataOutputs(_lateData) });
    }

    public KeyedOperatorHarness<string, Click, TOut> Operator { get; }

    public long NumLateRecordsDropped => _operator.NumLateRecordsDropped;

    /// <summary>What went to the late-data side output.</summary>
    public IReadOnlyList<Click> LateData => _lateData;

    public void Add(string user, long timestamp, long value = 1) => Operator.ProcessElement(new Click(user, value), timestamp);

    public void Watermark(long watermark) => Operator.ProcessWatermark(watermark);

    public IReadOnlyList<TimestampedValue<TOut>> Output => Operator.Output;

    /// <summary>Entries left in the window operator's state tables, by table name.</summary>
    public long Entries(string table) => Operator.StateTables.Where(t => t.Name == table).Sum(t => t.Count);

    /// <summary>The most dictionaries any key group of heap state table <paramref name="table"/> spreads its entries over.</summary>
    public int MaxBucketsInUse(string table)
    {
        var state = Operator.StateTables.Single(t => t.Name == table);
        var bucketsInUse = state.GetType().GetMethod("BucketsInUse", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            ?? throw new InvalidOperationException($"State '{table}' is not a heap state table.");
        var groups = Operator.KeyGroups.EndKeyGroup - Operator.KeyGroups.StartKeyGroup + 1;
        return Enumerable.Range(0, groups).Max(group => (int)bucketsInUse.Invoke(state, [group])!);
    }

    /// <summary>Every side output of the window (its late data) goes into one list.</summary>
    private sealed class LateDataOutputs(List<Click> list) : ISideOutputs
    {
        public ICollector<T> For<T>(OutputTag<T> tag) => (ICollector<T>)(object)new ListCollector(list);
    }

    private sealed class ListCollector(List<Click> list) : ICollector<Click>
    {
        public void Collect(Click record) => list.Add(record);
    }
}
