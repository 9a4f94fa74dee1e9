using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

/// <summary>An operator that takes records of <typeparamref name="TIn"/>; lifecycle hooks default to nothing.</summary>
internal abstract class OperatorBase<TIn>(string uid, string name) : IStreamOperator, ICollector<TIn>
{
    public string Uid { get; } = uid;

    public string Name { get; } = name;

    protected OperatorContext Context { get; private set; } = null!;

    public virtual void Open(OperatorContext context) => Context = context;

    public abstract void Collect(TIn record);

    public virtual void EndInput() { }

    public virtual void ProcessWatermark(long watermarkMs) { }

    public virtual void OnProcessingTime(long nowMs) { }

    public virtual ValueTask FlushAsync(Sinks.FlushReason reason) => ValueTask.CompletedTask;

    public virtual void Close() { }
}
