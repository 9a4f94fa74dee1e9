using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Tests.Jobs;

/// <summary>Even numbers to the main output, odd ones as text to side output <see cref="Odd"/>.</summary>
internal sealed class SplitOdd : ProcessFunction<long, long>
{
    public static readonly OutputTag<string> Odd = new("odd");

    public override void ProcessElement(long value, Context context, ICollector<long> output)
    {
        if (value % 2 == 0) output.Collect(value);
        else context.Output(Odd, $"odd {value}");
    }
}
