using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.Graph;

/// <summary>
/// Where the consumers of one side output attach (Flink's virtual side-output node): not an operator
/// and not among the environment's nodes, it stands for the records <see cref="Producer"/> emits to
/// <see cref="Tag"/>. Its consumers read it as they would read an operator (their partitioners and
/// edge writers are typed by the tag's element type); the job graph resolves it to its producer.
/// </summary>
internal sealed class SideOutputNode<T>(StreamNode producer, OutputTag<T> tag)
    : StreamNode<T>(producer.Id, "side-output", tag.Id), ISideOutputNode
{
    public StreamNode Producer { get; } = producer;

    public IOutputTag Tag { get; } = tag;

    internal override IStreamOperator Instantiate(object output) => throw NotAnOperator();

    internal override IBatchInput CreateBatchInput(IStreamOperator instance, RecordTimestamp timestamp) => throw NotAnOperator();

    private InvalidOperationException NotAnOperator() => new($"{Tag} of '{Producer.Name}' is a side output, not an operator.");
}

/// <summary>Marks side-output nodes without naming their record type.</summary>
internal interface ISideOutputNode
{
    StreamNode Producer { get; }

    IOutputTag Tag { get; }
}
