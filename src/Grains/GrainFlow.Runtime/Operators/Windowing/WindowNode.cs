using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Graph;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>The graph node of a keyed window: every subtask builds its <see cref="WindowOperator{TKey, TIn, TContents, TOut, W}"/> from it.</summary>
internal sealed class WindowNode<TKey, TIn, TContents, TOut, W>(
    int id, string name, Func<TIn, TKey> keySelector, WindowOperatorSpec<TIn, TContents, TOut, TKey, W> spec, OutputTag<TIn>? lateDataTag)
    : OneInputNode<TIn, TOut>(id, "window", name)
    where TKey : notnull
    where W : Window
{
    public override bool IsKeyed => true;

    /// <summary>The side output late elements go to (<c>SideOutputLateData</c>), or null to drop and count them.</summary>
    public OutputTag<TIn>? LateDataTag { get; } = lateDataTag;

    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) =>
        new WindowOperator<TKey, TIn, TContents, TOut, W>(Uid, Name, keySelector, spec, output, LateDataTag);
}
