using GrainFlow.Errors;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Graph;

namespace GrainFlow.Runtime.Operators;

/// <summary>The side outputs an operator's consumers read, by tag id; any other tag's records are dropped.</summary>
internal sealed class SideOutputCollectors(string operatorName, IReadOnlyDictionary<string, (Type ElementType, object Collector)> read) : ISideOutputs
{
    public static readonly SideOutputCollectors None = new("", new Dictionary<string, (Type, object)>());

    // Functions emit with the same tag object record after record: one reference check instead of a lookup.
    private object? _lastTag;
    private object? _lastCollector;

    public ICollector<T> For<T>(OutputTag<T> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (read.Count == 0) return DiscardingCollector<T>.Instance; // before the cache: None is shared by every operator without side outputs
        if (ReferenceEquals(tag, _lastTag)) return (ICollector<T>)_lastCollector!;
        ICollector<T> collector;
        if (!read.TryGetValue(tag.Id, out var output))
        {
            collector = DiscardingCollector<T>.Instance;
        }
        else if (output.ElementType == typeof(T))
        {
            collector = (ICollector<T>)output.Collector;
        }
        else
        {
            throw new NonRecoverableJobException(
                $"Operator '{operatorName}' emits to {tag}, but the job reads side output '{tag.Id}' as {IOutputTag.Describe(tag.Id, output.ElementType)}: use one element type per side output id.");
        }
        _lastTag = tag;
        _lastCollector = collector;
        return collector;
    }
}
