using System.Text;
using System.Text.Json;
using GrainFlow.Configuration;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Reads a savepoint or retained checkpoint offline, without a cluster or the job's assembly: what
/// <c>_metadata</c> says (job, checkpoint, format, operators and their subtasks), the state tables each
/// keyed-state section records in its header, and the keyed entries of every state whose codecs
/// <see cref="StateValueDecoders"/> can decode (without the job's types, or with its assemblies).
/// </summary>
public sealed class SnapshotInspector
{
    private readonly SnapshotLocation _location;

    private readonly GrainFlowConfiguration _configuration;

    private SnapshotInspector(SnapshotLocation location, GrainFlowConfiguration configuration, CheckpointMetadata metadata, IReadOnlyList<InspectedOperator> operators)
    {
        _location = location;
        _configuration = configuration;
        Metadata = metadata;
        Operators = operators;
    }

    public CheckpointMetadata Metadata { get; }

    /// <summary>Every operator with state, by uid, in the order of the job graph's vertices.</summary>
    public IReadOnlyList<InspectedOperator> Operators { get; }

    /// <summary>Opens the snapshot at <paramref name="path"/> (its directory or <c>_metadata</c>; a path or blob URL) and reads every state header.</summary>
    /// <exception cref="Errors.SavepointException">Nothing there, no <c>_metadata</c>, or storage unreachable.</exception>
    /// <exception cref="InvalidDataException">A state file is missing or not GrainFlow keyed state.</exception>
    public static async Task<SnapshotInspector> OpenAsync(string path, GrainFlowConfiguration configuration, CancellationToken cancellation = default)
    {
        var (location, metadata) = await SnapshotResolver.OpenAsync(path, configuration, cancellation);
        var operators = new List<InspectedOperator>();
        foreach (var vertex in metadata.Vertices)
        {
            foreach (var uid in vertex.Subtasks.SelectMany(s => s.Operators).Select(o => o.OperatorUid).Distinct())
            {
                var subtasks = new List<InspectedSubtask>();
                foreach (var subtask in vertex.Subtasks.OrderBy(s => s.SubtaskIndex))
                {
                    if (subtask.Operators.FirstOrDefault(o => o.OperatorUid == uid) is not { } op) continue;
                    var tables = op.State is { } handle ? await ReadTablesAsync(location, handle, cancellation) : [];
                    var pending = op.OperatorState is { } sinkState ? PendingCommittables.FromBytes(sinkState).Count : (int?)null;
                    subtasks.Add(new InspectedSubtask(subtask.SubtaskIndex, op.KeyGroups, tables, op.State?.Size ?? op.IncrementalState?.StateSize ?? 0,
                        op.State?.RelativePath, op.SourceOffsets ?? new Dictionary<string, long>(), pending, op.IncrementalState));
                }
                operators.Add(new InspectedOperator(uid, vertex.VertexUid, vertex.Parallelism, subtasks));
            }
        }
        return new SnapshotInspector(location, configuration, metadata, operators);
    }

    /// <summary>
    /// Checks every state file of the snapshot as a restore would (<see cref="SnapshotVerifier"/>): present, of its
    /// recorded size, every byte against its checksum — the private and shared files of incremental snapshots too.
    /// </summary>
    /// <exception cref="InvalidDataException">A state file is missing or damaged (the message names it).</exception>
    /// <exception cref="GrainFlow.Storage.ObjectStoreException">The store could not be read.</exception>
    public Task VerifyAsync(CancellationToken cancellation = default) =>
        SnapshotVerifier.VerifyAsync(_location.Store, _location.DirectoryKey, _location.ExternalPath, Metadata, _configuration, cancellation);

    /// <summary>
    /// Writes the keyed state of <paramref name="operatorUid"/> as JSON lines
    /// (<c>{"keyGroup":..,"state":"..","key":..,"value":..}</c>), subtask by subtask, key group by key group:
    /// every state whose codecs <see cref="DumpOptions.Decoders"/> can decode; internal states (the
    /// timers) only with <see cref="DumpOptions.IncludeInternal"/>.
    /// </summary>
    /// <returns>The states that were not written because their keys or values cannot be decoded here, and why.</returns>
    /// <exception cref="ArgumentException">The snapshot has no operator <paramref name="operatorUid"/>.</exception>
    /// <exception cref="InvalidDataException">The state bytes are not what their metadata and header say.</exception>
    public async Task<IReadOnlyList<UndecodedState>> DumpAsync(string operatorUid, TextWriter output, DumpOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new DumpOptions();
        var decoders = options.Decoders ?? new StateValueDecoders();
        var op = Operators.FirstOrDefault(o => o.Uid == operatorUid)
            ?? throw new ArgumentException($"The snapshot has no state of operator '{operatorUid}'. It has: {string.Join(", ", Operators.Select(o => o.Uid))}.");
        if (op.Subtasks.Any(s => s.IncrementalState is not null))
        {
            throw new ArgumentException($"The keyed state of operator '{operatorUid}' is an incremental snapshot of the RocksDB state backend: its entries are in RocksDB's own files, "
                + "which inspect does not read. Take a canonical savepoint of the job to dump them.");
        }
        var undecoded = new List<UndecodedState>();
        var line = new MemoryStream();
        foreach (var subtask in op.Subtasks)
        {
            var handle = Metadata.Vertices.First(v => v.VertexUid == op.VertexUid).Subtasks.First(s => s.SubtaskIndex == subtask.Index)
                .Operators.First(o => o.OperatorUid == operatorUid).State;
            if (handle is null) continue;
            var plans = subtask.Tables.Select(table => Plan(table, options.IncludeInternal, decoders, undecoded)).ToList();
            if (plans.All(plan => plan is null)) continue;
            var starts = handle.KeyGroupOffsets.OrderBy(o => o.Value).ToList();
            for (var i = 0; i < starts.Count; i++)
            {
                var (keyGroup, start) = (starts[i].Key, starts[i].Value);
                var end = i + 1 < starts.Count ? starts[i + 1].Value : handle.Size;
                var bytes = await ReadAsync(_location, handle, start, checked((int)(end - start)), cancellation);
                using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
                if (reader.ReadInt32() != keyGroup) throw new InvalidDataException($"Key group {keyGroup} is not at its recorded offset in '{handle.RelativePath ?? "_metadata"}'.");
                for (var t = 0; t < subtask.Tables.Count; t++)
                {
                    var entries = reader.ReadInt32();
                    var length = reader.ReadInt32();
                    if (plans[t] is not { } plan)
                    {
                        // Each table's entries carry their byte length, so a state left out is stepped over.
                        reader.BaseStream.Position += length;
                        continue;
                    }
                    for (var e = 0; e < entries; e++)
                    {
                        line.SetLength(0);
                        using (var json = new Utf8JsonWriter(line))
                        {
                            json.WriteStartObject();
                            json.WriteNumber("keyGroup", keyGroup);
                            json.WriteString("state", subtask.Tables[t].Name);
                            json.WritePropertyName("key");
                            plan.Key(reader, json);
                            json.WritePropertyName("value");
                            plan.Value(reader, json);
                            json.WriteEndObject();
                        }
                        await output.WriteLineAsync(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).AsMemory(), cancellation);
                    }
                }
            }
        }
        return undecoded;
    }

    /// <summary>Whether GrainFlow keeps the state <paramref name="name"/> for itself in every keyed operator (the timers of its timer services).</summary>
    public static bool IsInternalState(string name) => State.TimerStateNames.IsReserved(name);

    /// <summary>How to decode a table's entries, or null to leave it out (recording why, unless it is internal and not asked for).</summary>
    private static (StateValueDecoders.Decoder Key, StateValueDecoders.Decoder Value)? Plan(
        InspectedStateTable table, bool includeInternal, StateValueDecoders decoders, List<UndecodedState> undecoded)
    {
        if (IsInternalState(table.Name) && !includeInternal) return null;
        var key = decoders.For(table.KeyCodec, out var keyWhyNot);
        var value = decoders.For(table.ValueCodec, out var valueWhyNot);
        if (key is not null && value is not null) return (key, value);
        var problem = key is null ? new UndecodedState(table.Name, table.KeyCodec, keyWhyNot!) : new UndecodedState(table.Name, table.ValueCodec, valueWhyNot!);
        if (!undecoded.Contains(problem)) undecoded.Add(problem);
        return null;
    }

    private static async Task<IReadOnlyList<InspectedStateTable>> ReadTablesAsync(SnapshotLocation location, StateHandle handle, CancellationToken cancellation)
    {
        // The header is everything before the first key group.
        var headerLength = handle.KeyGroupOffsets.Count > 0 ? handle.KeyGroupOffsets.Values.Min() : handle.Size;
        var header = await ReadAsync(location, handle, 0, checked((int)headerLength), cancellation);
        return KeyedStateFormat.ReadHeader(header).Select(t =>
        {
            var separator = t.Codecs.IndexOf('|');
            if (separator < 0) throw new InvalidDataException($"State '{t.Name}' records codecs '{t.Codecs}', not 'key codec|value codec'.");
            return new InspectedStateTable(t.Name, t.Codecs[..separator], t.Codecs[(separator + 1)..]);
        }).ToList();
    }

    private static async Task<byte[]> ReadAsync(SnapshotLocation location, StateHandle handle, long offset, int length, CancellationToken cancellation)
    {
        if (handle.InlineData is { } inline) return inline.AsSpan((int)offset, length).ToArray();
        var bytes = await location.Store.ReadRangeAsync(location.DirectoryKey + handle.RelativePath, handle.Offset + offset, length, cancellation)
            ?? throw new InvalidDataException($"The state file '{handle.RelativePath}' of the snapshot at '{location.ExternalPath}' is missing.");
        if (bytes.Length != length) throw new InvalidDataException($"The state file '{handle.RelativePath}' of the snapshot at '{location.ExternalPath}' is shorter than its metadata says.");
        return bytes;
    }
}

/// <summary>An operator's state in a snapshot: its vertex's parallelism when the snapshot was taken and what each subtask holds.</summary>
public sealed record InspectedOperator(string Uid, string VertexUid, int Parallelism, IReadOnlyList<InspectedSubtask> Subtasks);

/// <summary>
/// One subtask's part of an operator's state: its key groups, the keyed-state tables its section's header
/// records, the section's size, source offsets, and how many sink transactions were pending (null: not a transactional sink).
/// Keyed state in an incremental snapshot of the RocksDB backend is <see cref="IncrementalState"/> instead: its shared and
/// private files with their sizes (<see cref="StateBytes"/> their sum), and no tables (they are inside RocksDB's files).
/// </summary>
public sealed record InspectedSubtask(int Index, KeyGroupRange? KeyGroups, IReadOnlyList<InspectedStateTable> Tables, long StateBytes,
    string? StateFile, IReadOnlyDictionary<string, long> SourceOffsets, int? PendingTransactions, IncrementalKeyedStateHandle? IncrementalState = null);

/// <summary>A keyed state (a state name) and the codecs recorded for its keys and values.</summary>
public sealed record InspectedStateTable(string Name, string KeyCodec, string ValueCodec);

/// <summary>What <see cref="SnapshotInspector.DumpAsync"/> writes: internal states too, and with which decoders (default: no job assemblies).</summary>
public sealed record DumpOptions(bool IncludeInternal = false, StateValueDecoders? Decoders = null);

/// <summary>A state a dump left out: the codec of its keys or values that cannot be decoded here, and why (with what to do).</summary>
public sealed record UndecodedState(string State, string Codec, string Reason);
