using System.Text;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The bytes of one keyed operator's state in a snapshot (documented in docs/CHECKPOINTS.md):
/// <code>
/// header:  int magic 'GFK1' | int version | int tableCount | per table: string name, string codecs
/// per key group (ascending), at the offset recorded in the handle:
///          int keyGroup | per table: int entryCount, int byteLength, entries (key, value)…
/// </code>
/// Key groups are self-contained, so a subtask restoring with another parallelism reads only its own,
/// and a writer can emit the section one key group at a time (memory bounded by one key group).
/// </summary>
public static class KeyedStateFormat
{
    public const int Magic = 0x47464B31; // "GFK1"
    public const int Version = 1;

    /// <summary>
    /// The section of <paramref name="tables"/> for <paramref name="range"/> in one array, with where
    /// each key group starts: the same bytes a checkpoint streams, for small in-memory uses and tests.
    /// </summary>
    internal static (byte[] Data, Dictionary<int, long> KeyGroupOffsets) Write(IReadOnlyList<IStateTableSnapshot> tables, KeyGroups.KeyGroupRange range, StateCodecs codecs)
    {
        using var file = new SubtaskSnapshotFile([new CapturedOperatorState("state", range, tables, null)], codecs, Storage.ObjectParts.FirstPartBytes, Storage.ObjectParts.DefaultPartBytes);
        using var data = new MemoryStream();
        foreach (var part in file.Parts().ToBlockingEnumerable())
        {
            using (part) data.Write(part.Data.Span);
        }
        var handle = file.Snapshots("memory", null)[0].State;
        return (data.ToArray(), handle is null ? new Dictionary<int, long>() : new Dictionary<int, long>(handle.KeyGroupOffsets));
    }

    internal static void WriteHeader(BinaryWriter writer, IReadOnlyList<IStateTableSnapshot> tables, StateCodecs codecs)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(tables.Count);
        foreach (var table in tables)
        {
            writer.Write(table.Name);
            writer.Write(table.Codecs(codecs));
        }
    }

    /// <summary>
    /// Writes one key group of every table into <paramref name="output"/> (through <paramref name="writer"/>,
    /// which writes to it); returns false (and writes nothing) when no table has an entry in it. Entries
    /// go straight into the parts; each table's byte length is patched in after them, and the key group
    /// is final (hashed, uploadable) when this returns.
    /// </summary>
    internal static bool WriteKeyGroup(BinaryWriter writer, SnapshotPartStream output, IReadOnlyList<IStateTableSnapshot> tables, int keyGroup, StateCodecs codecs)
    {
        var any = false;
        foreach (var table in tables) any |= table.CountIn(keyGroup) > 0;
        if (!any) return false;
        writer.Write(keyGroup);
        foreach (var table in tables)
        {
            writer.Write(table.CountIn(keyGroup));
            var lengthAt = output.Position;
            writer.Write(0);
            table.WriteKeyGroup(keyGroup, writer, codecs);
            writer.Flush();
            output.PatchInt32(lengthAt, checked((int)(output.Position - lengthAt - sizeof(int))));
        }
        output.MarkFinal();
        return true;
    }

    /// <summary>Reads the tables (state name and recorded codecs) of a section's header (the bytes before its first key group).</summary>
    /// <exception cref="InvalidDataException">The header is not GrainFlow keyed state of a version this build reads.</exception>
    internal static IReadOnlyList<(string Name, string Codecs)> ReadHeader(ArraySegment<byte> header)
    {
        using var reader = new BinaryReader(new MemoryStream(header.Array!, header.Offset, header.Count, writable: false), Encoding.UTF8);
        try
        {
            if (reader.ReadInt32() != Magic) throw new InvalidDataException("The keyed state bytes do not start with GrainFlow's keyed-state header.");
            var version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"Keyed state format version {version} is not supported (this build reads version {Version}).");
            var tables = new List<(string, string)>();
            for (int i = 0, count = reader.ReadInt32(); i < count; i++)
            {
                tables.Add((reader.ReadString(), reader.ReadString()));
            }
            return tables;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The keyed state header is cut short.", e);
        }
    }

    /// <summary>
    /// Adds to <paramref name="table"/> the entries of one key group's bytes (as written by
    /// <see cref="WriteKeyGroup"/>); <paramref name="tablePosition"/> is the table's index in the header,
    /// <paramref name="recordedCodecs"/> what the header recorded for it.
    /// </summary>
    internal static void RestoreKeyGroup(int keyGroup, ArraySegment<byte> bytes, int tablePosition, IStateTable table, StateCodecs codecs, string recordedCodecs)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), Encoding.UTF8);
        if (reader.ReadInt32() != keyGroup) throw new InvalidDataException($"Key group {keyGroup} is not at its recorded offset.");
        for (var t = 0; t <= tablePosition; t++)
        {
            var entries = reader.ReadInt32();
            var length = reader.ReadInt32();
            if (t < tablePosition)
            {
                reader.BaseStream.Position += length;
                continue;
            }
            table.RestoreEntries(keyGroup, entries, reader, codecs, recordedCodecs);
        }
    }
}
