using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Tests.Fixtures;
using GrainFlow.Testing.Azurite;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>The restore of RocksDB backends from incremental checkpoints in Azure Blob storage (Azurite): downloaded, checked, opened, rescaled.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Azurite")]
public sealed class AzuriteRocksDbIncrementalRestoreTests(AzuriteFixture azurite)
    : RocksDbIncrementalRestoreScenarios(new RocksDbIncrementalCheckpoints(CheckpointStorage.OnStore(azurite.CreateStoreOnNewContainer("incremental-restore"))));
