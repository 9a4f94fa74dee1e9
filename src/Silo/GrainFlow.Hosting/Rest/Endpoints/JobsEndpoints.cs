using System.Text.Json.Nodes;
using GrainFlow.Jobs;
using GrainFlow.Silo.Rest.Http;
using GrainFlow.Silo.Rest.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary><c>GET /jobs</c>, <c>GET /jobs/overview</c>, <c>GET /jobs/:jobid</c> and <c>PATCH /jobs/:jobid?mode=cancel</c>.</summary>
public static class JobsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/jobs", async (RestContext rest) => FlinkJson.Ok(JobJson.IdsWithStatus(await rest.Registry.ListJobsAsync())));

        routes.MapGet("/jobs/overview", async (RestContext rest) =>
        {
            var jobs = await rest.Registry.ListJobsAsync();
            var details = await Task.WhenAll(jobs.Select(j => rest.Job(j.JobId).GetDetailsAsync()));
            var now = rest.Time.GetUtcNow();
            return FlinkJson.Ok(new JsonObject
            {
                ["jobs"] = new JsonArray(details.Select(d => (JsonNode)JobJson.Overview(d, now)).ToArray()),
            });
        });

        routes.MapGet("/jobs/{jobid}", async (string jobid, RestContext rest) =>
        {
            var job = await rest.DetailsAsync(RouteValues.Job(jobid));
            return FlinkJson.Ok(JobJson.Details(job, rest.Time.GetUtcNow(), await SubtaskFigures.OfJobAsync(rest.Grains, job)));
        });

        routes.MapMethods("/jobs/{jobid}", [HttpMethods.Patch], async (string jobid, HttpRequest request, RestContext rest) =>
        {
            var jobId = RouteValues.Job(jobid);
            var mode = request.Query["mode"].ToString();
            if (mode.Length > 0 && !string.Equals(mode, "cancel", StringComparison.OrdinalIgnoreCase))
            {
                throw RestException.BadRequest(string.Equals(mode, "stop", StringComparison.OrdinalIgnoreCase)
                    ? "mode=stop is deprecated and not supported; stop a job with a savepoint through POST /jobs/:jobid/stop."
                    : $"Invalid value \"{mode}\" for query parameter mode: expected cancel.");
            }
            var before = await rest.DetailsAsync(jobId);
            if (before.Status.IsTerminal() && before.Status != JobStatus.Canceled)
            {
                throw RestException.Conflict($"Job cancellation failed because job {jobId} has already reached another terminal state ({before.Status.ToFlinkName()}).");
            }
            var status = await rest.Job(jobId).CancelAsync();
            if (status is not (JobStatus.Canceled or JobStatus.Cancelling))
            {
                throw RestException.Conflict($"Job cancellation failed because job {jobId} has already reached another terminal state ({status.ToFlinkName()}).");
            }
            return FlinkJson.Json(StatusCodes.Status202Accepted, new JsonObject());
        });
    }
}
