using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using GrainFlow.Runtime.Checkpointing;
using Orleans.Serialization;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// How checkpoints and native savepoints write a <see cref="SessionAccumulator"/>: user id (a flag, then
/// the string), first and last timestamps, the event count (7-bit), the distinct pages (a 7-bit count,
/// then the strings). A million open sessions are most of this job's checkpoint; through Orleans'
/// serializer they cost several times the bytes and the time. Snapshots taken before this codec
/// recorded Orleans' (<see cref="OrleansSessionAccumulator"/>); they still restore.
/// </summary>
public sealed class SessionAccumulatorCodec(Serializer<OrleansSessionAccumulator> orleans) : IStateCodec<SessionAccumulator>, IReadsEarlierStateCodecs<SessionAccumulator>
{
    public string Name => "user-sessions.session-accumulator.v1";

    public void Write(BinaryWriter writer, SessionAccumulator value)
    {
        writer.Write(value.UserId is not null);
        if (value.UserId is not null) writer.Write(value.UserId);
        writer.Write(value.First);
        writer.Write(value.Last);
        writer.Write7BitEncodedInt64(value.Events);
        writer.Write7BitEncodedInt(value.Pages.Length);
        foreach (var page in value.Pages) writer.Write(page);
    }

    public SessionAccumulator Read(BinaryReader reader)
    {
        var userId = reader.ReadBoolean() ? reader.ReadString() : null;
        var (first, last, events) = (reader.ReadInt64(), reader.ReadInt64(), reader.Read7BitEncodedInt64());
        var pages = new string[reader.Read7BitEncodedInt()];
        for (var i = 0; i < pages.Length; i++) pages[i] = reader.ReadString();
        // Written sorted and distinct: read as they are.
        return new SessionAccumulator(userId, first, last, events, ImmutableCollectionsMarshal.AsImmutableArray(pages));
    }

    public IStateCodec<SessionAccumulator>? ForEarlier(string recordedName) =>
        recordedName == OrleansCodec.RecordedName ? new OrleansCodec(orleans) : null;

    /// <summary>What checkpoints recorded before this codec: Orleans' bytes of the accumulator's earlier shape, length-prefixed.</summary>
    private sealed class OrleansCodec(Serializer<OrleansSessionAccumulator> serializer) : IStateCodec<SessionAccumulator>
    {
        public const string RecordedName = StateCodecNames.OrleansPrefix + "GrainFlow.Silo.Examples.UserSessions.SessionAccumulator";

        public string Name => RecordedName;

        public void Write(BinaryWriter writer, SessionAccumulator value)
        {
            var buffer = new ArrayBufferWriter<byte>();
            serializer.Serialize(new OrleansSessionAccumulator(value.UserId, value.First, value.Last, value.Events, [.. value.Pages]), buffer);
            writer.Write7BitEncodedInt(buffer.WrittenCount);
            writer.Write(buffer.WrittenSpan);
        }

        public SessionAccumulator Read(BinaryReader reader)
        {
            var earlier = serializer.Deserialize(reader.ReadBytes(reader.Read7BitEncodedInt()))
                ?? throw new InvalidDataException($"The snapshot holds a null session accumulator (codec '{RecordedName}').");
            return new SessionAccumulator(earlier.UserId, earlier.First, earlier.Last, earlier.Events, SessionAccumulator.DistinctPages(earlier.Pages));
        }
    }
}

/// <summary>The accumulator as Orleans' serializer wrote it into checkpoints before <see cref="SessionAccumulatorCodec"/>: read to restore them.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.examples.SessionAccumulator")]
public sealed record OrleansSessionAccumulator(
    [property: Id(0)] string? UserId,
    [property: Id(1)] long First,
    [property: Id(2)] long Last,
    [property: Id(3)] long Events,
    [property: Id(4)] ImmutableSortedSet<string> Pages);
