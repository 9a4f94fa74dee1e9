using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

internal sealed class FlatMapOperator<TIn, TOut>(string uid, string name, Action<TIn, ICollector<TOut>> flatMap, ICollector<TOut> output)
    : OperatorBase<TIn>(uid, name)
{
    public override void Collect(TIn record) => flatMap(record, output);
}
