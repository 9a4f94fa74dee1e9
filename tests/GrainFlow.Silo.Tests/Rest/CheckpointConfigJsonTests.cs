using GrainFlow.Configuration;
using GrainFlow.Silo.Rest.Responses;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>
/// <c>/jobs/:jobid/checkpoints/config</c> names the job's own state backend by Flink's class name, for every
/// backend a job can ask for (the REST tests run the heap; a job cannot run on a backend this build lacks).
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointConfigJsonTests
{
    [Theory]
    [InlineData("hashmap", "HashMapStateBackend")]
    [InlineData("filesystem", "HashMapStateBackend")]
    [InlineData("rocksdb", "EmbeddedRocksDBStateBackend")]
    public void TheConfigNamesTheJobsStateBackendByFlinksClassName(string backend, string expected)
    {
        var configuration = GrainFlowConfiguration.Empty.With("execution.checkpointing.interval", "1 s").With("state.backend.type", backend);

        var config = CheckpointJson.Config(configuration);

        Assert.Equal(expected, config["state_backend"]!.GetValue<string>());
        Assert.Equal("FileSystemCheckpointStorage", config["checkpoint_storage"]!.GetValue<string>());
    }
}
