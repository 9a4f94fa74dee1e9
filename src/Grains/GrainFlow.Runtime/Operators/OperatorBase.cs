using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Operators;

/// <summary>Every lifecycle hook with a default that does nothing; operators override what they take part in.</summary>
internal abstract class OperatorBase(string uid, string name) : IStreamOperator
{
    public string Uid { get; } = uid;

    public string Name { get; } = name;

    protected OperatorContext Context { get; private set; } = null!;

    public virtual void Open(OperatorContext context) => Context = context;

    public virtual Task InitializeStateAsync() => Task.CompletedTask;

    public virtual OperatorSnapshotResult SnapshotState(Channels.CheckpointBarrier barrier) => OperatorSnapshotResult.Stateless(Uid);

    public virtual Task NotifyCheckpointCompleteAsync(long checkpointId) => Task.CompletedTask;

    public virtual void EndInput() { }

    public virtual void ProcessWatermark(long watermarkMs) { }

    public virtual void OnProcessingTime(long nowMs) { }

    public virtual ValueTask FlushAsync(Sinks.FlushReason reason) => ValueTask.CompletedTask;

    public virtual void Close() { }
}

/// <summary>An operator that takes records of <typeparamref name="TIn"/>.</summary>
internal abstract class OperatorBase<TIn>(string uid, string name) : OperatorBase(uid, name), ICollector<TIn>
{
    public abstract void Collect(TIn record);
}
