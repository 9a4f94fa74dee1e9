using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

internal sealed class MapOperator<TIn, TOut>(string uid, string name, Func<TIn, TOut> map, ICollector<TOut> output)
    : OperatorBase<TIn>(uid, name)
{
    public override void Collect(TIn record) => output.Collect(map(record));
}
