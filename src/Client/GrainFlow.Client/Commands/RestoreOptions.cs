using System.CommandLine;
using GrainFlow.Configuration;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>run</c>'s restore options, as Flink's: <c>-s,--fromSavepoint &lt;path&gt;</c>, <c>-n,--allowNonRestoredState</c>,
/// <c>--claimMode CLAIM|NO_CLAIM</c>, plus GrainFlow's <c>--resume latest</c>. They become the submission's
/// <c>execution.state-recovery.*</c> keys, which the job manager restores from.
/// </summary>
internal sealed class RestoreOptions
{
    public static readonly string PathKey = StateRecoveryOptions.Path.Key;
    public static readonly string IgnoreUnclaimedStateKey = StateRecoveryOptions.IgnoreUnclaimedState.Key;
    public static readonly string ClaimModeKey = StateRecoveryOptions.ClaimMode.Key;
    public static readonly string ResumeKey = StateRecoveryOptions.Resume.Key;

    /// <summary>The keys that already ask for a restore when given with -D (Flink's and their 1.x aliases).</summary>
    private static readonly string[] RestoreKeys = [PathKey, .. StateRecoveryOptions.Path.DeprecatedKeys, ResumeKey];

    public Option<string?> FromSavepoint { get; } = new("--fromSavepoint", "-s")
    {
        Description = "Restore from this savepoint or retained checkpoint: its folder, its _metadata file, or a chk-<n> folder.",
        HelpName = "path",
    };

    public Option<bool> AllowNonRestoredState { get; } = new("--allowNonRestoredState", "-n")
    {
        Description = "Skip state that belongs to operators the job no longer has, instead of failing the restore.",
    };

    public Option<string?> ClaimMode { get; } = new("--claimMode")
    {
        Description = "NO_CLAIM (default): the snapshot is never deleted and the first checkpoint is full. CLAIM: the job owns it and may delete it once subsumed.",
        HelpName = "CLAIM|NO_CLAIM",
    };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "latest: restore from the newest completed retained checkpoint or savepoint of this job name, or start fresh when there is none.",
        HelpName = "latest",
    };

    public IEnumerable<Option> All => [FromSavepoint, AllowNonRestoredState, ClaimMode, Resume];

    /// <summary>Lays the restore options over <paramref name="configuration"/> (the -D pairs); false when none was given.</summary>
    /// <exception cref="CliUsageException">A value is malformed, or the options contradict each other.</exception>
    public bool ApplyTo(ParseResult parseResult, IDictionary<string, string> configuration)
    {
        var path = SavepointWaiter.Location(parseResult.GetValue(FromSavepoint));
        if (path is null && parseResult.GetResult(FromSavepoint) is { Implicit: false })
        {
            throw new CliUsageException("Invalid -s/--fromSavepoint '': give the folder or _metadata file of a savepoint or retained checkpoint, or leave -s out to start fresh.");
        }
        var resume = parseResult.GetValue(Resume)?.Trim();
        var allow = parseResult.GetValue(AllowNonRestoredState);
        var claim = parseResult.GetValue(ClaimMode)?.Trim().ToUpperInvariant().Replace('-', '_');

        if (resume is not null && !string.Equals(resume, "latest", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliUsageException($"Invalid --resume '{resume}': the only value is 'latest'.");
        }
        if (path is not null && resume is not null)
        {
            throw new CliUsageException("Use either -s <path> or --resume latest, not both.");
        }
        if (claim is not null && claim is not ("CLAIM" or "NO_CLAIM"))
        {
            throw new CliUsageException(claim == "LEGACY"
                ? "Claim mode LEGACY is not supported; use --claimMode CLAIM or NO_CLAIM (the default)."
                : $"Invalid --claimMode '{parseResult.GetValue(ClaimMode)}': use CLAIM or NO_CLAIM (the default).");
        }
        var restoring = path is not null || resume is not null || RestoreKeys.Any(configuration.ContainsKey);
        if ((allow || claim is not null) && !restoring)
        {
            throw new CliUsageException($"{(allow ? "--allowNonRestoredState" : "--claimMode")} only applies when restoring: add -s <path> or --resume latest.");
        }

        if (path is not null) configuration[PathKey] = path;
        if (resume is not null) configuration[ResumeKey] = "latest";
        if (allow) configuration[IgnoreUnclaimedStateKey] = "true";
        if (claim is not null) configuration[ClaimModeKey] = claim;
        return path is not null || resume is not null;
    }
}
