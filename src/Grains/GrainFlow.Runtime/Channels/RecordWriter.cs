using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Channels;

/// <summary>One output of an operator (its main output or a side output) read in other vertices: the same records to each of its edges.</summary>
internal sealed class RecordWriter<T>(IReadOnlyList<EdgeWriter<T>> edges) : ICollector<T>, INetworkOutput
{
    public void Collect(T record)
    {
        for (var i = 0; i < edges.Count; i++) edges[i].Collect(record);
    }

    public IEnumerable<OutputChannel> Channels => edges.SelectMany(e => e.Channels);

    public void FlushAll(ControlEvent? control)
    {
        foreach (var edge in edges) edge.FlushAll(control);
    }
}

/// <summary>The untyped face of a <see cref="RecordWriter{T}"/> that the subtask drives.</summary>
internal interface INetworkOutput
{
    IEnumerable<OutputChannel> Channels { get; }

    void FlushAll(ControlEvent? control);
}
