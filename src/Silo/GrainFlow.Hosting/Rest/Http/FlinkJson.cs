using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GrainFlow.Silo.Rest.Http;

/// <summary>Writes responses as Flink's REST API does: JSON bodies, errors as <c>{"errors":["…"]}</c>.</summary>
public static class FlinkJson
{
    // JSON bodies are never embedded in HTML, so quotes, apostrophes and '>' in messages stay readable.
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Ok(JsonNode body) => Json(StatusCodes.Status200OK, body);

    /// <summary>Flink's answer to a started asynchronous operation: 202 <c>{"request-id":"…"}</c>.</summary>
    public static IResult Accepted(string triggerId) => Json(StatusCodes.Status202Accepted, new JsonObject { ["request-id"] = triggerId });

    public static IResult Json(int statusCode, JsonNode body) =>
        Results.Text(body.ToJsonString(Options), "application/json; charset=UTF-8", statusCode: statusCode);

    public static string Errors(params string[] errors) =>
        new JsonObject { ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()) }.ToJsonString(Options);

    /// <summary>Milliseconds since the epoch, as every Flink timestamp; -1 when there is none.</summary>
    public static long Millis(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds() ?? -1;

    public static long Millis(TimeSpan? duration) => duration is { } d ? (long)d.TotalMilliseconds : -1;
}
