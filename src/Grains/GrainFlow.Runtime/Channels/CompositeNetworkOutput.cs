namespace GrainFlow.Runtime.Channels;

/// <summary>
/// The network output of a chain whose operators send more than one output over edges (a main output
/// and side outputs, or outputs of several operators): control events go out on all of them.
/// </summary>
internal sealed class CompositeNetworkOutput(IReadOnlyList<INetworkOutput> outputs) : INetworkOutput
{
    public IEnumerable<OutputChannel> Channels => outputs.SelectMany(o => o.Channels);

    public void FlushAll(ControlEvent? control)
    {
        foreach (var output in outputs) output.FlushAll(control);
    }
}
