using GrainFlow.Storage;

namespace GrainFlow.Runtime.Hosting;

/// <summary>The object store GrainFlow keeps its durable data in (topics now; checkpoints and savepoints later).</summary>
public sealed class GrainFlowStores(IObjectStore data)
{
    public IObjectStore Data { get; } = data;
}
