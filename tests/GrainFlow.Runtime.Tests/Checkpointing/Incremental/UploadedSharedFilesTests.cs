using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Runtime.Tests.Checkpointing.Incremental;

/// <summary>The task side's memory of uploads: only a checkpoint confirmed by notifyCheckpointComplete becomes the base of the next snapshot.</summary>
[Trait("Category", "Unit")]
public sealed class UploadedSharedFilesTests
{
    private static IncrementalKeyedStateHandle Handle(long checkpointId, params string[] sst) =>
        new("00112233445566778899aabbccddeeff", checkpointId, sst.Select(f => new HandleAndLocalPath(f, $"shared-{checkpointId}-{f}", 1, 0)).ToList(), [], StateChecksum.Xxh3);

    [Fact]
    public void UploadsBecomeTheBaseOnlyOnceTheirCheckpointIsConfirmed()
    {
        var uploaded = new UploadedSharedFiles();
        uploaded.Uploaded(Handle(1, "1.sst"));
        Assert.Empty(uploaded.Previous);

        uploaded.NotifyCheckpointComplete(1);
        uploaded.Uploaded(Handle(2, "1.sst", "2.sst"));
        Assert.Equal(["1.sst"], uploaded.Previous.Keys);

        // Checkpoint 2 was aborted: its uploads never become the base.
        uploaded.NotifyCheckpointAborted(2);
        uploaded.NotifyCheckpointComplete(2);
        Assert.Equal("shared-1-1.sst", uploaded.Previous["1.sst"].Path);

        uploaded.Uploaded(Handle(3, "1.sst", "3.sst"));
        uploaded.NotifyCheckpointComplete(3);
        // A late notification of an older checkpoint changes nothing.
        uploaded.NotifyCheckpointComplete(1);
        Assert.Equal(["1.sst", "3.sst"], uploaded.Previous.Keys.Order());
    }

    [Fact]
    public void ARestoredBackendStartsFromTheRestoredHandlesSharedFiles()
    {
        Assert.Equal(["7.sst"], UploadedSharedFiles.Restored(Handle(7, "7.sst")).Previous.Keys);
        Assert.Empty(UploadedSharedFiles.Restored(null).Previous);
    }
}
