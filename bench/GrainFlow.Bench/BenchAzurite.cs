using GrainFlow.Testing.Azurite;

namespace GrainFlow.Bench;

/// <summary>
/// An Azurite blob emulator for benchmarks that store on Azure Blob: the test suite's fixture
/// (the version package.json pins, installed with npm when missing, on a free loopback port, data
/// in a temporary directory), started and stopped around a benchmark run.
/// </summary>
/// <remarks>Azurite is one Node process on the same two cores as the silo: its figures are not Azure's.</remarks>
internal sealed class BenchAzurite : IAsyncDisposable
{
    private readonly AzuriteFixture _fixture = new();

    private BenchAzurite()
    {
    }

    public string ConnectionString => _fixture.ConnectionString;

    /// <summary>A container name no other run of this process uses.</summary>
    public string NewContainerName(string prefix) => _fixture.NewContainerName(prefix);

    public static async Task<BenchAzurite> StartAsync()
    {
        var azurite = new BenchAzurite();
        await azurite._fixture.InitializeAsync();
        return azurite;
    }

    public async ValueTask DisposeAsync() => await _fixture.DisposeAsync();
}
