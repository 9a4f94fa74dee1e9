namespace GrainFlow.Configuration;

/// <summary>
/// Flink's state-recovery keys (StateRecoveryOptions) and GrainFlow's "resume the latest snapshot of this job name".
/// In the abstractions because clients set them (<c>run -s</c>, <c>-n</c>, <c>--claimMode</c>, <c>--resume</c>) and the job manager reads them.
/// </summary>
public static class StateRecoveryOptions
{
    public static readonly ConfigOption<string> Path = ConfigOptions.Key("execution.state-recovery.path").StringType()
        .WithDeprecatedKeys("execution.savepoint.path")
        .AsLocation()
        .WithDescription("A savepoint or retained checkpoint (its directory or its _metadata) to start the job from; 'grainflow run -s <path>'.");

    public static readonly ConfigOption<bool> IgnoreUnclaimedState = ConfigOptions.Key("execution.state-recovery.ignore-unclaimed-state").BoolType()
        .WithDeprecatedKeys("execution.savepoint.ignore-unclaimed-state")
        .WithDescription("Skip state of operators the job no longer has ('grainflow run -n').")
        .WithDefault(false);

    public static readonly ConfigOption<RecoveryClaimMode> ClaimMode = ConfigOptions.Key("execution.state-recovery.claim-mode").EnumType<RecoveryClaimMode>()
        .WithDeprecatedKeys("execution.savepoint-restore-mode")
        .WithDefault(RecoveryClaimMode.NoClaim);

    /// <summary>
    /// Local recovery (Flink's <c>execution.state-recovery.from-local</c>): a RocksDB keyed subtask keeps a copy of what its latest
    /// completed checkpoint uploaded on the silo's local disk, and a restart on the same silo restores from it, each file checked
    /// against the checkpoint's checksum, instead of downloading.
    /// </summary>
    public static readonly ConfigOption<bool> FromLocal = ConfigOptions.Key("execution.state-recovery.from-local").BoolType()
        .WithDeprecatedKeys("state.backend.local-recovery")
        .WithDescription("Keep a local copy of each RocksDB subtask's latest completed checkpoint and restore from it on the same silo (checked by checksum) instead of downloading.")
        .WithDefault(false);

    public static readonly ConfigOption<ResumeMode> Resume = ConfigOptions.Key("grainflow.state-recovery.resume").EnumType<ResumeMode>()
        .WithDescription("LATEST: start from the newest completed retained checkpoint or savepoint of a job with the same name ('grainflow run --resume latest').")
        .WithDefault(ResumeMode.None);

    public static IReadOnlyList<ConfigOption> All { get; } = [Path, IgnoreUnclaimedState, ClaimMode, FromLocal, Resume];
}

/// <summary>Who owns the snapshot a job starts from (Flink's RecoveryClaimMode).</summary>
public enum RecoveryClaimMode
{
    /// <summary>The job never deletes it; several jobs may start from it (the default).</summary>
    NoClaim,

    /// <summary>The job owns it like one of its checkpoints: subsumed and deleted by its retention.</summary>
    Claim,
}

public enum ResumeMode
{
    None,
    Latest,
}
