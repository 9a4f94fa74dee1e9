using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Graph;

namespace GrainFlow.Runtime.Operators.Windowing;

/// <summary>The graph node of a keyed window: every subtask builds its <see cref="WindowOperator{TKey, TIn, TContents, TOut, W}"/> from it.</summary>
internal sealed class WindowNode<TKey, TIn, TContents, TOut, W>(
    int id, string name, Func<TIn, TKey> keySelector, WindowOperatorSpec<TIn, TContents, TOut, TKey, W> spec, OutputTag<TIn>? lateDataTag)
    : OneInputNode<TIn, TOut>(id, "window", name), IWindowNode<TIn>
    where TKey : notnull
    where W : Window
{
    public override bool IsKeyed => true;

    /// <summary>The side output late elements go to (<c>SideOutputLateData</c>), or null to drop and count them.</summary>
    public OutputTag<TIn>? LateDataTag { get; } = lateDataTag;

    /// <summary>
    /// Creates the collector of the late-data side output for an operator instance; set where side
    /// outputs are wired into the graph (the consumer of <see cref="LateDataTag"/>).
    /// </summary>
    public Func<ICollector<TIn>>? LateDataOutput { get; set; }

    internal override OperatorBase<TIn> CreateOperator(ICollector<TOut> output) =>
        new WindowOperator<TKey, TIn, TContents, TOut, W>(Uid, Name, keySelector, spec, output, LateOutput());

    private ICollector<TIn>? LateOutput()
    {
        if (LateDataTag is null) return null;
        return LateDataOutput?.Invoke() ?? throw new InvalidOperationException(
            $"The window '{Name}' ({Uid}) sends late data to the side output '{LateDataTag.Id}', but nothing reads it: " +
            "read it with GetSideOutput(tag) on the window's result, or remove SideOutputLateData.");
    }
}

/// <summary>A window node by its input type alone: where the late-data side output is wired.</summary>
internal interface IWindowNode<TIn>
{
    OutputTag<TIn>? LateDataTag { get; }

    Func<ICollector<TIn>>? LateDataOutput { get; set; }
}
