using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>The bookkeeping of <see cref="SharedStateRegistry"/>: reference counts, NO_CLAIM protection, CLAIM adoption, unknown references.</summary>
[Trait("Category", "Unit")]
public sealed class SharedStateRegistryTests
{
    private const string Job = "0123456789abcdef0123456789abcdef";
    private static readonly Guid Backend = Guid.Parse("00112233445566778899aabbccddeeff");

    private static string Shared(long uploadedBy, string sst) =>
        $"{Job}/shared/{CheckpointLayout.IncrementalFileName("count", new GrainFlow.KeyGroups.KeyGroupRange(0, 127), Backend, uploadedBy, sst)}";

    [Fact]
    public void AFileIsReleasedWhenTheLastCheckpointReferencingItIsUnregistered()
    {
        var registry = new SharedStateRegistry();
        registry.RegisterCheckpoint(1, [Shared(1, "1.sst"), Shared(1, "2.sst")]);
        registry.RegisterCheckpoint(2, [Shared(1, "2.sst"), Shared(2, "3.sst")]);

        Assert.Equal(2, registry.ReferenceCount(Shared(1, "2.sst")));
        Assert.Equal([Shared(1, "1.sst")], registry.UnregisterCheckpoint(1));
        Assert.Equal(1, registry.ReferenceCount(Shared(1, "2.sst")));
        Assert.Equal([Shared(1, "2.sst"), Shared(2, "3.sst")], registry.UnregisterCheckpoint(2));
        Assert.Empty(registry.RegisteredFiles);
    }

    [Fact]
    public void RegisteringOrUnregisteringACheckpointTwiceCountsItOnce()
    {
        var registry = new SharedStateRegistry();
        registry.RegisterCheckpoint(1, [Shared(1, "1.sst")]);
        registry.RegisterCheckpoint(1, [Shared(1, "1.sst")]);
        registry.RegisterCheckpoint(2, [Shared(1, "1.sst")]);

        Assert.Equal(2, registry.ReferenceCount(Shared(1, "1.sst")));
        Assert.Empty(registry.UnregisterCheckpoint(1));
        Assert.Empty(registry.UnregisterCheckpoint(1));
        Assert.Equal([Shared(1, "1.sst")], registry.UnregisterCheckpoint(2));
    }

    [Fact]
    public void TheFilesOfANoClaimRestoreBaseAreNeverReleased()
    {
        var registry = new SharedStateRegistry();
        registry.RegisterAllAfterRestored(5, [Shared(4, "1.sst"), Shared(5, "2.sst")], RecoveryClaimMode.NoClaim);
        registry.RegisterCheckpoint(6, [Shared(4, "1.sst")]);

        Assert.Empty(registry.UnregisterCheckpoint(5));
        Assert.Empty(registry.UnregisterCheckpoint(6));
        Assert.True(registry.IsInUse(Shared(4, "1.sst")));
        Assert.True(registry.IsInUse(Shared(5, "2.sst")));
    }

    [Fact]
    public void TheFilesOfAClaimedSnapshotAreAdoptedAndReleasedOnceUnused()
    {
        var registry = new SharedStateRegistry();
        registry.RegisterAllAfterRestored(5, [Shared(4, "1.sst"), Shared(5, "2.sst")], RecoveryClaimMode.Claim);
        registry.RegisterCheckpoint(6, [Shared(4, "1.sst"), Shared(6, "3.sst")]);

        Assert.Equal([Shared(5, "2.sst")], registry.UnregisterCheckpoint(5));
        Assert.Equal([Shared(4, "1.sst"), Shared(6, "3.sst")], registry.UnregisterCheckpoint(6));
    }

    [Fact]
    public void ACheckpointReusingAFileNoRetainedCheckpointHoldsCannotComplete()
    {
        var registry = new SharedStateRegistry();
        registry.RegisterCheckpoint(1, [Shared(1, "1.sst")]);
        registry.RegisterCheckpoint(2, [Shared(2, "2.sst")]);
        registry.UnregisterCheckpoint(1);

        // Checkpoint 3 was taken from the base of checkpoint 1 (its notification of 2 had not arrived yet).
        Assert.Equal($"it references the shared file '{Shared(1, "1.sst")}', which no retained checkpoint holds any more",
            registry.UnknownReference(3, [Shared(1, "1.sst"), Shared(3, "3.sst")]));
        Assert.Null(registry.UnknownReference(3, [Shared(2, "2.sst"), Shared(3, "3.sst")]));
    }
}
