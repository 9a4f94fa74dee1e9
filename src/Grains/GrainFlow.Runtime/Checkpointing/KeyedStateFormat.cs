using System.Text;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.State;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The bytes of one keyed operator's state in a snapshot (documented in docs/CHECKPOINTS.md):
/// <code>
/// header:  int magic 'GFK1' | int version | int tableCount | per table: string name, string codecs
/// per key group (ascending), at the offset recorded in the handle:
///          int keyGroup | per table: int entryCount, int byteLength, entries (key, value)…
/// </code>
/// Key groups are self-contained, so a subtask restoring with another parallelism reads only its own.
/// </summary>
public static class KeyedStateFormat
{
    public const int Magic = 0x47464B31; // "GFK1"
    public const int Version = 1;

    /// <summary>Serializes <paramref name="tables"/> for every key group of <paramref name="range"/>; returns the bytes and where each key group starts.</summary>
    internal static (byte[] Data, Dictionary<int, long> KeyGroupOffsets) Write(IReadOnlyList<IStateTableSnapshot> tables, KeyGroupRange range, StateCodecs codecs)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(tables.Count);
        foreach (var table in tables)
        {
            writer.Write(table.Name);
            writer.Write(table.Codecs(codecs));
        }
        var offsets = new Dictionary<int, long>();
        using var section = new MemoryStream();
        using var sectionWriter = new BinaryWriter(section, Encoding.UTF8, leaveOpen: true);
        for (var keyGroup = range.StartKeyGroup; keyGroup <= range.EndKeyGroup; keyGroup++)
        {
            if (tables.All(t => t.CountIn(keyGroup) == 0)) continue;
            writer.Flush();
            offsets[keyGroup] = stream.Position;
            writer.Write(keyGroup);
            foreach (var table in tables)
            {
                section.SetLength(0);
                table.WriteKeyGroup(keyGroup, sectionWriter, codecs);
                sectionWriter.Flush();
                writer.Write(table.CountIn(keyGroup));
                writer.Write((int)section.Length);
                writer.Write(section.GetBuffer(), 0, (int)section.Length);
            }
        }
        writer.Flush();
        return (stream.ToArray(), offsets);
    }

    /// <summary>
    /// Adds to <paramref name="table"/> the entries of its state name found in <paramref name="data"/>,
    /// for the key groups of <paramref name="range"/> only.
    /// </summary>
    internal static void Restore(byte[] data, IReadOnlyDictionary<int, long> keyGroupOffsets, KeyGroupRange range, IStateTable table, StateCodecs codecs)
    {
        using var reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException("The keyed state bytes do not start with GrainFlow's keyed-state header.");
        var version = reader.ReadInt32();
        if (version != Version) throw new InvalidDataException($"Keyed state format version {version} is not supported (this build reads version {Version}).");
        var names = new List<string>();
        for (int i = 0, count = reader.ReadInt32(); i < count; i++)
        {
            names.Add(reader.ReadString());
            reader.ReadString(); // codecs: informative; the table's own types decide how to read
        }
        var position = names.IndexOf(table.Name);
        if (position < 0) return;
        foreach (var (keyGroup, offset) in keyGroupOffsets)
        {
            if (!range.Contains(keyGroup)) continue;
            reader.BaseStream.Position = offset;
            if (reader.ReadInt32() != keyGroup) throw new InvalidDataException($"Key group {keyGroup} is not at its recorded offset {offset}.");
            for (var t = 0; t < names.Count; t++)
            {
                var entries = reader.ReadInt32();
                var length = reader.ReadInt32();
                if (t != position)
                {
                    reader.BaseStream.Position += length;
                    continue;
                }
                table.RestoreEntries(keyGroup, entries, reader, codecs);
                break;
            }
        }
    }
}
