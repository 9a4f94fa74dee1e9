using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Rest.Http;
using GrainFlow.Silo.Rest.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>
/// <c>POST /jobs/:jobid/savepoints</c> (<c>target-directory</c>, <c>cancel-job</c>, <c>formatType</c>,
/// <c>triggerId</c>), <c>POST /jobs/:jobid/stop</c> (<c>targetDirectory</c>, <c>drain</c> — camelCase, as
/// in Flink) and <c>GET /jobs/:jobid/savepoints/:triggerid</c> for both.
/// </summary>
public static class SavepointEndpoints
{
    private static readonly string[] FormatNames = ["CANONICAL", "NATIVE"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/jobs/{jobid}/savepoints", async (string jobid, HttpRequest request, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var body = await RequestBody.ReadAsync(request, "target-directory", "cancel-job", "formatType", "triggerId");
            var target = body.String("target-directory");
            var then = body.Bool("cancel-job") == true ? SavepointTermination.Cancel : SavepointTermination.None;
            return await TriggerAsync(rest, jobId, new SavepointRequest(target, Format(body), then, body.TriggerId()), "target-directory");
        });

        routes.MapPost("/jobs/{jobid}/stop", async (string jobid, HttpRequest request, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var body = await RequestBody.ReadAsync(request, "targetDirectory", "drain", "formatType", "triggerId");
            var then = body.Bool("drain") == true ? SavepointTermination.StopAndDrain : SavepointTermination.Stop;
            return await TriggerAsync(rest, jobId, new SavepointRequest(body.String("targetDirectory"), Format(body), then, body.TriggerId()), "targetDirectory");
        });

        routes.MapGet("/jobs/{jobid}/savepoints/{triggerid}", async (string jobid, string triggerid, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var operation = await rest.Job(jobId).GetSavepointOperationAsync(RouteValues.Trigger(triggerid));
            return FlinkJson.Ok(OperationJson.Savepoint(operation));
        });
    }

    private static async Task<IResult> TriggerAsync(RestContext rest, JobId jobId, SavepointRequest request, string directoryField)
    {
        rest.CheckPath(request.TargetDirectory, directoryField);
        var manager = rest.Job(jobId);
        if (request.TriggerId is { } retried && await IsKnownAsync(manager, retried)) return FlinkJson.Accepted(retried);
        await rest.RequireRunningAsync(jobId, request.Then is SavepointTermination.Stop or SavepointTermination.StopAndDrain
            ? "stopping with a savepoint"
            : "a savepoint");
        return FlinkJson.Accepted(await manager.TriggerSavepointAsync(request));
    }

    /// <summary>A retry with the client's trigger id answers with the operation already started, even once the job has ended.</summary>
    private static async Task<bool> IsKnownAsync(IJobManagerGrain manager, string triggerId)
    {
        try
        {
            await manager.GetSavepointOperationAsync(triggerId);
            return true;
        }
        catch (UnknownTriggerException)
        {
            return false;
        }
    }

    private static SavepointFormatType Format(RequestBody body) =>
        body.Enum("formatType", FormatNames) == "NATIVE" ? SavepointFormatType.Native : SavepointFormatType.Canonical;
}
