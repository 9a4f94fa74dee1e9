using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

/// <summary>
/// The side outputs of one operator instance (<see cref="OperatorContext.SideOutputs"/>): the one place an
/// operator gets the collector of a tag, e.g. a window operator for its late data.
/// </summary>
internal interface ISideOutputs
{
    /// <summary>
    /// Where records emitted to <paramref name="tag"/> go: the consumer chained in this subtask, the
    /// network edges of the consumers elsewhere, or nowhere when the job never reads the side output
    /// (the records are dropped, as in Flink). Records keep the chain's current timestamp.
    /// </summary>
    /// <exception cref="Errors.NonRecoverableJobException">The job reads the tag's id with another element type.</exception>
    ICollector<T> For<T>(OutputTag<T> tag);
}
