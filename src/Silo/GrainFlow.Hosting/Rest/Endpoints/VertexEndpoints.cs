using GrainFlow.Jobs;
using GrainFlow.Silo.Rest.Http;
using GrainFlow.Silo.Rest.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary><c>GET /jobs/:jobid/vertices/:vertexid</c> and <c>GET /jobs/:jobid/vertices/:vertexid/backpressure</c>.</summary>
public static class VertexEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/jobs/{jobid}/vertices/{vertexid}", async (string jobid, string vertexid, RestContext rest) =>
        {
            var (job, vertex) = await FindAsync(rest, jobid, vertexid);
            var subtasks = await SubtaskFigures.OfVertexAsync(rest.Grains, job, vertex);
            return FlinkJson.Ok(VertexJson.Details(job, vertex, subtasks, rest.Time.GetUtcNow()));
        });

        routes.MapGet("/jobs/{jobid}/vertices/{vertexid}/backpressure", async (string jobid, string vertexid, RestContext rest) =>
        {
            var (job, vertex) = await FindAsync(rest, jobid, vertexid);
            var subtasks = await SubtaskFigures.OfVertexAsync(rest.Grains, job, vertex);
            return FlinkJson.Ok(VertexJson.BackPressure(subtasks, rest.Time.GetUtcNow()));
        });
    }

    /// <exception cref="RestException">404 for an unknown job or a vertex the job does not have.</exception>
    private static async Task<(JobDetails Job, VertexDetails Vertex)> FindAsync(RestContext rest, string jobid, string vertexid)
    {
        var job = await rest.DetailsAsync(RouteValues.Job(jobid));
        var vertex = job.Vertices.FirstOrDefault(v => v.Uid == vertexid)
            ?? throw RestException.NotFound($"Job {job.JobId} has no vertex with id {vertexid}. Its vertices are: {string.Join(", ", job.Vertices.Select(v => v.Uid))}.");
        return (job, vertex);
    }
}
