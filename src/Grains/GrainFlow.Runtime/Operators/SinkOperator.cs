using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Runtime.Operators;

internal sealed class SinkOperator<T>(string uid, string name, ISink<T> sink) : OperatorBase<T>(uid, name), ISinkOperator
{
    private ISinkWriter<T> _writer = null!;

    public override void Open(OperatorContext context)
    {
        base.Open(context);
        _writer = sink.CreateWriter(new SubtaskInfo(context.JobId, context.JobName, Uid, context.SubtaskIndex, context.Parallelism, context.Configuration, context.Services));
    }

    public override void Collect(T record) => _writer.Write(record);

    public override ValueTask FlushAsync(FlushReason reason) => _writer.FlushAsync(reason, CancellationToken.None);

    public override void Close() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
