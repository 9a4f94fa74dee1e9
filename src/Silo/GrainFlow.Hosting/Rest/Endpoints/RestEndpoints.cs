using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>Every endpoint, at the root and under <c>/v1</c> as Flink serves them.</summary>
public static class RestEndpoints
{
    public static void MapGrainFlowRestApi(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in new[] { "", "/v1" })
        {
            var group = routes.MapGroup(prefix);
            JobsEndpoints.Map(group);
            VertexEndpoints.Map(group);
            SavepointEndpoints.Map(group);
            SavepointDisposalEndpoints.Map(group);
            CheckpointEndpoints.Map(group);
            JarEndpoints.Map(group);
        }
    }
}
