using System.Text;
using System.Text.Json.Nodes;
using GrainFlow.Savepoints;

namespace GrainFlow.Silo.Rest.Responses;

/// <summary>
/// Flink's <c>AsynchronousOperationResult</c>: <c>{"status":{"id":"IN_PROGRESS"}}</c> while running,
/// then <c>{"status":{"id":"COMPLETED"},"operation":{…}}</c> with either the result or a failure cause —
/// COMPLETED in both cases, so clients check which field is there.
/// </summary>
public static class OperationJson
{
    public static JsonObject InProgress() => new() { ["status"] = Status("IN_PROGRESS") };

    public static JsonObject Completed(JsonObject operation) => new() { ["status"] = Status("COMPLETED"), ["operation"] = operation };

    /// <summary><c>GET /jobs/:jobid/savepoints/:triggerid</c>: <c>location</c>, or <c>failure-cause</c>.</summary>
    public static JsonObject Savepoint(SavepointOperation operation) => operation.Status == SavepointOperationStatus.InProgress
        ? InProgress()
        : Completed(operation.Location is { } location
            ? new JsonObject { ["location"] = location }
            : new JsonObject { ["failure-cause"] = FailureCause(operation.FailureType ?? "GrainFlow.Errors.SavepointException", operation.FailureMessage ?? "The savepoint failed.") });

    /// <summary>
    /// Flink's SerializedThrowable: the exception's class, its text as the stack trace, and the
    /// serialized form — here the UTF-8 text in base64, since there is no Java object to serialize.
    /// </summary>
    public static JsonObject FailureCause(string type, string message)
    {
        var text = $"{type}: {message}";
        return new JsonObject
        {
            ["class"] = type,
            ["message"] = message,
            ["stack-trace"] = text,
            ["serialized-throwable"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
        };
    }

    private static JsonObject Status(string id) => new() { ["id"] = id };
}
