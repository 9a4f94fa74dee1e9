using System.CommandLine;
using System.Reflection;
using GrainFlow.Configuration;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Savepoints;

namespace GrainFlow.Client.Commands;

/// <summary>
/// <c>grainflow inspect &lt;path&gt; [--dump &lt;uid&gt;] [--verify]</c>: reads a savepoint or retained checkpoint offline
/// (no cluster) and prints what it holds per operator — for incremental RocksDB snapshots their shared and private
/// files — or dumps one operator's keyed state as JSON lines (what can be decoded; each state that cannot is named on
/// stderr with what to do, and the exit code is 1). <c>--verify</c> first checks every state file as a restore would.
/// </summary>
internal static class InspectCommand
{
    public const string MissingPath = "Missing required argument: snapshot path. Usage: grainflow inspect <savepoint-or-checkpoint-path> [--verify] [--dump <uid> [--internal] [--job-assembly <dll>]]";

    public static Command Create(CliContext context)
    {
        var pathArgument = new Argument<string?>("path")
        {
            Description = "The savepoint or checkpoint: its folder or its _metadata file, as a path, file:// or blob URL.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var dump = new Option<string?>("--dump")
        {
            Description = "Write this operator's keyed state as JSON lines ({\"keyGroup\",\"state\",\"key\",\"value\"}) instead of the summary.",
            HelpName = "uid",
        };
        var includeInternal = new Option<bool>("--internal")
        {
            Description = "With --dump: also the states GrainFlow keeps for itself (the timers, '_timers…' and '_event_timers…').",
        };
        var jobAssemblies = new Option<string[]>("--job-assembly")
        {
            Description = "With --dump: a .dll of the job whose types the state holds, so state written by Orleans' serializer (checkpoints, native savepoints) can be decoded. Repeatable.",
            HelpName = "dll",
        };
        var verify = new Option<bool>("--verify")
        {
            Description = "First check every state file (the shared and private files of incremental snapshots too): present, of its recorded size, every byte against its checksum.",
        };
        var azure = new Option<string?>("--azure-connection-string")
        {
            Description = "The Azure Storage connection string for a blob URL (default: the account's DefaultAzureCredential).",
            HelpName = "connection-string",
        };

        var command = new Command("inspect", "Show what a savepoint or checkpoint holds, or dump an operator's keyed state.") { pathArgument, dump, includeInternal, jobAssemblies, verify, azure };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = SavepointWaiter.Location(parseResult.GetValue(pathArgument)) ?? throw new CliUsageException(MissingPath);
            var settings = new Dictionary<string, string>();
            if (parseResult.GetValue(azure) is { Length: > 0 } connectionString) settings[StorageOptions.AzureConnectionString.Key] = connectionString;

            SnapshotInspector inspector;
            try
            {
                inspector = await SnapshotInspector.OpenAsync(path, new GrainFlowConfiguration(settings), cancellationToken);
            }
            catch (InvalidDataException e)
            {
                throw new CliUsageException($"Cannot inspect '{path}': {e.Message}");
            }
            if (parseResult.GetValue(verify))
            {
                try
                {
                    await inspector.VerifyAsync(cancellationToken);
                }
                catch (InvalidDataException e)
                {
                    throw new CliUsageException($"Cannot inspect '{path}': {e.Message}");
                }
                // A dump's stdout is JSON lines only.
                (parseResult.GetValue(dump) is null ? context.Console.Out : context.Console.Error)
                    .WriteLine("Verified: every state file is present and matches the size and checksum the snapshot recorded.");
            }

            if (parseResult.GetValue(dump) is { } uid)
            {
                var options = new DumpOptions(parseResult.GetValue(includeInternal), new StateValueDecoders(LoadJobAssemblies(parseResult.GetValue(jobAssemblies))));
                IReadOnlyList<UndecodedState> undecoded;
                try
                {
                    undecoded = await inspector.DumpAsync(uid, context.Console.Out, options, cancellationToken);
                }
                catch (Exception e) when (e is ArgumentException or InvalidDataException)
                {
                    throw new CliUsageException($"Cannot dump '{uid}' of '{path}': {e.Message}");
                }
                // What could be decoded is on stdout; the exit code tells a script the dump is incomplete.
                foreach (var state in undecoded)
                {
                    context.Console.Error.WriteLine($"Not dumped: state '{state.State}' of operator '{uid}', codec '{state.Codec}': {state.Reason}.");
                }
                return undecoded.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            Print(context.Console.Out, inspector);
            return ExitCodes.Success;
        });
        return command;
    }

    private static IReadOnlyList<Assembly> LoadJobAssemblies(string[]? paths)
    {
        var assemblies = new List<Assembly>();
        foreach (var path in paths ?? [])
        {
            try
            {
                assemblies.Add(Assembly.LoadFrom(Path.GetFullPath(path)));
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException or System.Security.SecurityException)
            {
                throw new CliUsageException($"Cannot load the job assembly '{path}': {e.Message} Give the path of the .dll that declares the job's state types.");
            }
        }
        return assemblies;
    }

    private static void Print(TextWriter output, SnapshotInspector inspector)
    {
        var metadata = inspector.Metadata;
        output.WriteLine($"Job: {metadata.JobName} ({metadata.JobId})");
        output.WriteLine($"Checkpoint: {metadata.CheckpointId}");
        output.WriteLine($"Kind: {(metadata.IsSavepoint ? "savepoint" : "checkpoint")}");
        // Checkpoints are always written in the backend's own format.
        output.WriteLine($"Format: {(metadata.SavepointFormat ?? SavepointFormatType.Native).ToString().ToLowerInvariant()}");
        output.WriteLine($"Max parallelism: {metadata.MaxParallelism}");
        foreach (var op in inspector.Operators)
        {
            output.WriteLine($"Operator {op.Uid} (vertex {op.VertexUid}, parallelism {op.Parallelism})");
            foreach (var subtask in op.Subtasks)
            {
                var keyed = subtask.KeyGroups is { } range ? $"key groups {range.StartKeyGroup}-{range.EndKeyGroup}" : "no key groups";
                var where = subtask.StateFile ?? "inline in _metadata";
                if (subtask.IncrementalState is { } incremental) PrintIncremental(output, subtask.Index, keyed, incremental);
                else output.WriteLine(subtask.Tables.Count > 0
                    ? $"  Subtask {subtask.Index}: {keyed}, keyed state {subtask.StateBytes} bytes ({where})"
                    : $"  Subtask {subtask.Index}: {keyed}, no keyed state");
                foreach (var table in subtask.Tables)
                {
                    output.WriteLine($"    State {table.Name}: key codec {table.KeyCodec}, value codec {table.ValueCodec}");
                }
                if (subtask.SourceOffsets.Count > 0)
                {
                    output.WriteLine($"    Source offsets: {string.Join(", ", subtask.SourceOffsets.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"))}");
                }
                if (subtask.PendingTransactions is { } pending) output.WriteLine($"    Pending sink transactions: {pending}");
            }
        }
    }

    /// <summary>An incremental RocksDB snapshot: its backend instance and checkpoint, then each file, shared ones by their path in the checkpoint storage.</summary>
    private static void PrintIncremental(TextWriter output, int index, string keyed, Runtime.Checkpointing.IncrementalKeyedStateHandle state)
    {
        output.WriteLine($"  Subtask {index}: {keyed}, incremental RocksDB state {state.StateSize} bytes in {state.SharedState.Count + state.PrivateState.Count} files "
            + $"(backend {state.BackendIdentifier}, checkpoint {state.CheckpointId}, checksums {state.ChecksumAlgorithm})");
        foreach (var file in state.SharedState) output.WriteLine($"    Shared file {file.LocalPath}: {file.Size} bytes ({file.Path})");
        foreach (var file in state.PrivateState) output.WriteLine($"    Private file {file.LocalPath}: {file.Size} bytes ({file.Path})");
    }
}
