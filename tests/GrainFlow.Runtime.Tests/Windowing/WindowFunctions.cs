using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;

namespace GrainFlow.Runtime.Tests.Windowing;

/// <summary>Counts clicks and sums their values.</summary>
internal sealed class ClickCount : IAggregateFunction<Click, (long Count, long Sum), (long Count, long Sum)>
{
    public (long Count, long Sum) CreateAccumulator() => (0, 0);

    public (long Count, long Sum) Add(Click value, (long Count, long Sum) accumulator) => (accumulator.Count + 1, accumulator.Sum + value.Value);

    public (long Count, long Sum) GetResult((long Count, long Sum) accumulator) => accumulator;

    public (long Count, long Sum) Merge((long Count, long Sum) a, (long Count, long Sum) b) => (a.Count + b.Count, a.Sum + b.Sum);
}

/// <summary>Writes "user [start, end) count=n sum=s" for a pre-aggregated window.</summary>
internal sealed class DescribeWindow : ProcessWindowFunction<(long Count, long Sum), string, string, TimeWindow>
{
    public override void Process(string key, Context context, IEnumerable<(long Count, long Sum)> elements, ICollector<string> output)
    {
        var (count, sum) = Assert.Single(elements);
        output.Collect($"{key} [{context.Window.Start}, {context.Window.End}) count={count} sum={sum}");
    }
}

/// <summary>Writes "user [start, end) values" with every element's value in arrival order.</summary>
internal sealed class ListWindow : ProcessWindowFunction<Click, string, string, TimeWindow>
{
    public override void Process(string key, Context context, IEnumerable<Click> elements, ICollector<string> output) =>
        output.Collect($"{key} [{context.Window.Start}, {context.Window.End}) {string.Join(",", elements.Select(e => e.Value))}");
}
