using System.Text;
using System.Text.Json;
using GrainFlow.Topics;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// A line of the input topic after parsing: an event, or the line and why it is not one. Parsing
/// happens in the source, so the watermark strategy can read event timestamps per partition; a bad
/// line must not fail the job (it would fail again after every restart, on the same offset), so it
/// travels on and is set aside as a side output.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.examples.ParsedUserEvent")]
public sealed record ParsedUserEvent([property: Id(0)] UserEvent? Event, [property: Id(1)] string? InvalidLine, [property: Id(2)] string? Problem)
{
    private static readonly JsonSerializerOptions Json = new() { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip };

    public static ParsedUserEvent Parse(TopicRecord record) => Parse(record.Value);

    public static ParsedUserEvent Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<UserEvent>(line, Json);
            var problem = parsed switch
            {
                null => "the line is JSON null",
                { UserId: null or "" } => "\"userId\" is missing or empty",
                { Page: null } => "\"page\" is missing",
                { Timestamp: <= 0 } => "\"timestamp\" is missing or not a positive number of epoch milliseconds",
                _ => null,
            };
            return problem is null ? new ParsedUserEvent(parsed, null, null) : Invalid(line, problem);
        }
        catch (JsonException e)
        {
            return Invalid(line, $"not a JSON event ({e.Message})");
        }
    }

    private static ParsedUserEvent Invalid(ReadOnlySpan<byte> line, string problem) => new(null, Encoding.UTF8.GetString(line), problem);
}
