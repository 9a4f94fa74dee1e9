using Microsoft.AspNetCore.Http;
namespace GrainFlow.Silo.Rest.Http;

/// <summary>A request the API answers with <see cref="StatusCode"/> and Flink's <c>{"errors":[message]}</c>.</summary>
public sealed class RestException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static RestException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static RestException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static RestException Conflict(string message) => new(StatusCodes.Status409Conflict, message);
}
