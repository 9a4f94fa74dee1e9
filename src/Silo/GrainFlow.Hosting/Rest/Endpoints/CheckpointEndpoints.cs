using System.Text.Json.Nodes;
using GrainFlow.Configuration;
using GrainFlow.Checkpoints;
using GrainFlow.Errors;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Silo.Rest.Http;
using GrainFlow.Silo.Rest.Operations;
using GrainFlow.Silo.Rest.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>
/// <c>GET /jobs/:jobid/checkpoints</c>, <c>…/checkpoints/config</c>, <c>…/checkpoints/details/:checkpointid</c>,
/// and the manual checkpoint: <c>POST /jobs/:jobid/checkpoints</c> with <c>GET …/checkpoints/:triggerid</c>.
/// </summary>
public static class CheckpointEndpoints
{
    private static readonly string[] CheckpointTypes = ["CONFIGURED", "FULL", "INCREMENTAL"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/jobs/{jobid}/checkpoints", async (string jobid, RestContext rest) =>
            FlinkJson.Ok(CheckpointJson.Statistics(await rest.Job(RouteValues.Job(jobid)).GetCheckpointStatsAsync())));

        routes.MapGet("/jobs/{jobid}/checkpoints/config", async (string jobid, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            await rest.DetailsAsync(jobId);
            var configuration = new GrainFlowConfiguration(await rest.Job(jobId).GetConfigurationAsync());
            if (!CheckpointingOptions.IsEnabled(configuration))
            {
                throw RestException.NotFound($"Checkpointing is not enabled for job {jobId}; it is enabled by execution.checkpointing.interval.");
            }
            return FlinkJson.Ok(CheckpointJson.Config(configuration));
        });

        routes.MapGet("/jobs/{jobid}/checkpoints/details/{checkpointid}", async (string jobid, string checkpointid, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var id = RouteValues.Checkpoint(checkpointid);
            var stats = await rest.Job(jobId).GetCheckpointStatsAsync();
            return CheckpointJson.Find(stats, id) is { } checkpoint
                ? FlinkJson.Ok(CheckpointJson.Checkpoint(checkpoint, withTasks: true))
                : throw RestException.NotFound($"Could not find checkpointing statistics for checkpoint {id} of job {jobId} (the statistics keep the last few checkpoints).");
        });

        routes.MapGet("/jobs/{jobid}/checkpoints/details/{checkpointid}/subtasks/{vertexid}", async (string jobid, string checkpointid, string vertexid, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var id = RouteValues.Checkpoint(checkpointid);
            var stats = await rest.Job(jobId).GetCheckpointStatsAsync();
            var checkpoint = CheckpointJson.Find(stats, id)
                ?? throw RestException.NotFound($"Could not find checkpointing statistics for checkpoint {id} of job {jobId} (the statistics keep the last few checkpoints).");
            return checkpoint.Tasks?.FirstOrDefault(t => t.VertexId == vertexid) is { } task
                ? FlinkJson.Ok(CheckpointJson.SubtaskDetails(checkpoint, task))
                : throw RestException.NotFound($"Checkpoint {id} of job {jobId} has no vertex '{vertexid}'; GET /jobs/{jobId} lists the job's vertices.");
        });

        routes.MapPost("/jobs/{jobid}/checkpoints", async (string jobid, HttpRequest request, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var body = await RequestBody.ReadAsync(request, "checkpointType", "triggerId");
            if (body.Enum("checkpointType", CheckpointTypes) == "INCREMENTAL")
            {
                throw RestException.BadRequest("Invalid value \"INCREMENTAL\" for field \"checkpointType\": GrainFlow's heap state backend takes full checkpoints; use CONFIGURED or FULL.");
            }
            var triggerId = body.TriggerId() ?? TriggerIds.New();
            if (rest.Operations.Find(triggerId) is CheckpointOperation known && known.JobId == jobId) return FlinkJson.Accepted(triggerId);
            await rest.RequireRunningAsync(jobId, "a checkpoint");
            await rest.Operations.GetOrStartAsync(triggerId, async () =>
            {
                long checkpointId;
                var failedBefore = (await rest.Job(jobId).GetCheckpointStatsAsync()).Failed;
                try
                {
                    checkpointId = await rest.Job(jobId).TriggerCheckpointAsync();
                }
                catch (GrainFlowException e) when (e is not JobNotFoundException)
                {
                    // Not running any more, or running without checkpoints: the job is not in a state for it.
                    throw RestException.Conflict(e.Message);
                }
                return new CheckpointOperation(rest.Time.GetUtcNow(), jobId, checkpointId, failedBefore);
            });
            return FlinkJson.Accepted(triggerId);
        });

        routes.MapGet("/jobs/{jobid}/checkpoints/{triggerid}", async (string jobid, string triggerid, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var id = RouteValues.Trigger(triggerid);
            if (rest.Operations.Find(id) is not CheckpointOperation operation || operation.JobId != jobId)
            {
                throw RestException.NotFound($"There is no checkpoint of job {jobId} with triggerId={id} on this silo.");
            }
            var stats = await rest.Job(jobId).GetCheckpointStatsAsync();
            var checkpoint = CheckpointJson.Find(stats, operation.CheckpointId);
            if (checkpoint is null && stats.LatestCompleted is { } latest && latest.Id > operation.CheckpointId)
            {
                // It left the short history. Every checkpoint completes or fails, and nothing in flight
                // leaves the history, so without a failure since the trigger it completed.
                rest.Operations.MarkCompleted(operation);
                return FlinkJson.Ok(OperationJson.Completed(stats.Failed == operation.FailedBefore
                    ? new JsonObject { ["checkpointId"] = operation.CheckpointId }
                    : new JsonObject
                    {
                        ["failureCause"] = OperationJson.FailureCause("GrainFlow.CheckpointFailureException",
                            $"The outcome of checkpoint {operation.CheckpointId} is no longer in the job's checkpoint statistics, and checkpoints failed since it was triggered."),
                    }));
            }
            switch (checkpoint?.Status)
            {
                case CheckpointStatus.Completed:
                    rest.Operations.MarkCompleted(operation);
                    return FlinkJson.Ok(OperationJson.Completed(new JsonObject { ["checkpointId"] = operation.CheckpointId }));
                case CheckpointStatus.Failed:
                    rest.Operations.MarkCompleted(operation);
                    return FlinkJson.Ok(OperationJson.Completed(new JsonObject
                    {
                        ["failureCause"] = OperationJson.FailureCause("GrainFlow.CheckpointFailureException", checkpoint.FailureMessage ?? $"Checkpoint {operation.CheckpointId} failed."),
                    }));
                default:
                    return FlinkJson.Ok(OperationJson.InProgress());
            }
        });
    }
}
