using System.Text.Json.Serialization;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// What the <c>user-sessions</c> example emits per closed session: <c>start</c> and <c>end</c> are the
/// first and last event's timestamps (not the window's bounds), so <c>durationMs = end − start</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.examples.SessionFeatures")]
public sealed record SessionFeatures(
    [property: Id(0), JsonPropertyName("userId")] string UserId,
    [property: Id(1), JsonPropertyName("start")] long Start,
    [property: Id(2), JsonPropertyName("end")] long End,
    [property: Id(3), JsonPropertyName("events")] long Events,
    [property: Id(4), JsonPropertyName("distinctPages")] int DistinctPages,
    [property: Id(5), JsonPropertyName("durationMs")] long DurationMs);
