using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

internal sealed class FilterOperator<T>(string uid, string name, Func<T, bool> predicate, ICollector<T> output)
    : OperatorBase<T>(uid, name)
{
    public override void Collect(T record)
    {
        if (predicate(record)) output.Collect(record);
    }
}
