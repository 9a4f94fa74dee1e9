using GrainFlow.Configuration;

namespace GrainFlow.Runtime.Configuration;

/// <summary>Flink keys GrainFlow recognises but does not implement yet: a submission setting them gets a warning instead of silence.</summary>
public static class UnsupportedOptions
{
    public static IReadOnlyList<UnsupportedOption> All { get; } =
    [
        new(["execution.checkpointing.unaligned.enabled", "execution.checkpointing.unaligned"], "false",
            "checkpoints are always aligned (barriers wait for every input)."),
        new(["execution.checkpointing.unaligned.forced"], "false", "checkpoints are always aligned."),
        new(["execution.checkpointing.aligned-checkpoint-timeout", "execution.checkpointing.alignment-timeout"], "0",
            "checkpoints are always aligned, without a timeout."),
        new(["state.backend.changelog.enabled"], "false", "there is no changelog state backend."),
        new(["execution.checkpointing.snapshot-compression"], "false", "snapshots are written uncompressed."),
        new(["execution.checkpointing.file-merging.enabled"], "false", "each subtask writes its own snapshot file."),
    ];
}
