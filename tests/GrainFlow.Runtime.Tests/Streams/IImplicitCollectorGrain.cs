namespace GrainFlow.Runtime.Tests.Streams;

/// <summary>Receives every stream of namespace <see cref="Namespace"/> through an implicit subscription (key: the stream key).</summary>
[Alias("grainflow.tests.IImplicitCollectorGrain")]
public interface IImplicitCollectorGrain : IGrainWithStringKey
{
    public const string Namespace = "implicit-orders";

    [Alias("GetReceived")]
    Task<IReadOnlyList<ReceivedEvent<string>>> GetReceivedAsync();
}
