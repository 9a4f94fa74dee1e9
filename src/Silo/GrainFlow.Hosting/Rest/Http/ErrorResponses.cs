using GrainFlow.Configuration;
using GrainFlow.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Silo.Rest.Http;

/// <summary>
/// Turns every failure into Flink's <c>{"errors":["…"]}</c>: bad input 400, an unknown job, trigger or
/// jar 404, a job in the wrong state 409. Only a fault of the server itself is a 500, and its details
/// go to the log, not to the caller.
/// </summary>
public sealed partial class ErrorResponses(RequestDelegate next, ILogger<ErrorResponses> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            return;
        }
        catch (Exception e)
        {
            var (status, message) = Classify(e);
            if (status == StatusCodes.Status500InternalServerError) LogUnexpected(e, context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted) return;
            context.Response.Clear();
            await WriteAsync(context, status, message);
            return;
        }
        // Routing answers unknown paths and methods without a body; Flink's clients expect the errors shape there too.
        if (context.Response is { HasStarted: false, StatusCode: >= 400 } response && response.ContentLength is null or 0
            && string.IsNullOrEmpty(response.ContentType))
        {
            await WriteAsync(context, response.StatusCode, response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"Not found: {context.Request.Path}",
                StatusCodes.Status405MethodNotAllowed => $"Not found: {context.Request.Method} is not allowed on {context.Request.Path}.",
                _ => "Request failed.",
            });
        }
    }

    public static (int Status, string Message) Classify(Exception e) => e switch
    {
        RestException rest => (rest.StatusCode, rest.Message),
        JobNotFoundException or UnknownTriggerException or UnknownJobException => (StatusCodes.Status404NotFound, e.Message),
        JobConfigurationException or ConfigurationValueException or SavepointException => (StatusCodes.Status400BadRequest, e.Message),
        BadHttpRequestException bad => (bad.StatusCode, bad.Message),
        GrainFlowException => (StatusCodes.Status400BadRequest, e.Message),
        // A grain call past Orleans' response timeout: its outcome is unknown, not a server bug.
        TimeoutException => (StatusCodes.Status504GatewayTimeout,
            "The cluster did not answer in time; the operation may still complete. Check GET /jobs (or the job's status) before retrying."),
        _ => (StatusCodes.Status500InternalServerError, "Internal server error. The silo's log has the details."),
    };

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        return context.Response.WriteAsync(FlinkJson.Errors(message), context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "REST {Method} {Path} failed")]
    private partial void LogUnexpected(Exception exception, string method, string path);
}
