using System.Text.Json.Serialization;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>One page view of the <c>user-sessions</c> example: <c>{"userId": "...", "page": "...", "timestamp": &lt;epoch ms&gt;}</c>.</summary>
[GenerateSerializer, Immutable, Alias("grainflow.examples.UserEvent")]
public sealed record UserEvent(
    [property: Id(0), JsonPropertyName("userId")] string UserId,
    [property: Id(1), JsonPropertyName("page")] string Page,
    [property: Id(2), JsonPropertyName("timestamp")] long Timestamp);
