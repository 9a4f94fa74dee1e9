using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

/// <summary>Runs a <see cref="ProcessFunction{TIn, TOut}"/> on a stream that is not keyed.</summary>
internal sealed class ProcessOperator<TIn, TOut>(string uid, string name, ProcessFunction<TIn, TOut> function, ICollector<TOut> output)
    : OperatorBase<TIn>(uid, name)
{
    private FunctionContext _context = null!;

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        _context = new FunctionContext(context);
        function.Open(new SubtaskInfo(context.JobId, context.JobName, Uid, context.SubtaskIndex, context.Parallelism, context.Configuration, context.Services));
    }

    public override void Collect(TIn record) => function.ProcessElement(record, _context, output);

    private sealed class FunctionContext(OperatorContext context) : ProcessFunction<TIn, TOut>.Context
    {
        public override long? Timestamp => context.Timestamp.HasTimestamp ? context.Timestamp.Current : null;

        public override void Output<T>(OutputTag<T> tag, T value) => context.SideOutputs.For(tag).Collect(value);
    }
}
