namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>The default deployment: REST on loopback, no token, any path (shared by the "loopback rest" collection).</summary>
public sealed class LoopbackRestFixture : IAsyncLifetime
{
    public RestCluster Rest { get; private set; } = null!;

    public HttpClient Http => Rest.Http;

    public async Task InitializeAsync() => Rest = await RestCluster.StartAsync();

    public async Task DisposeAsync() => await Rest.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LoopbackRestCollection : ICollectionFixture<LoopbackRestFixture>
{
    public const string Name = "loopback rest";
}
