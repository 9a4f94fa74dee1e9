using System.Text.Json.Nodes;
using GrainFlow.Silo.Rest.Http;
using GrainFlow.Silo.Rest.Operations;
using GrainFlow.Silo.Rest.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary><c>POST /savepoint-disposal</c> (<c>savepoint-path</c>) and <c>GET /savepoint-disposal/:triggerid</c>.</summary>
public static class SavepointDisposalEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/savepoint-disposal", async (HttpRequest request, RestContext rest) =>
        {
            var body = await RequestBody.ReadAsync(request, "savepoint-path");
            var path = body.String("savepoint-path");
            if (string.IsNullOrWhiteSpace(path)) throw RestException.BadRequest("Missing field \"savepoint-path\": the savepoint directory or its _metadata file to dispose.");
            rest.CheckPath(path, "savepoint-path");
            var triggerId = TriggerIds.New();
            await rest.Operations.GetOrStartAsync(triggerId, () =>
            {
                var operation = new DisposalOperation(rest.Time.GetUtcNow(), path, Task.Run(() => rest.Registry.DisposeSavepointAsync(path)));
                _ = operation.Disposal.ContinueWith(_ => rest.Operations.MarkCompleted(operation), TaskScheduler.Default);
                return Task.FromResult<AsyncOperation>(operation);
            });
            return FlinkJson.Accepted(triggerId);
        });

        routes.MapGet("/savepoint-disposal/{triggerid}", (string triggerid, RestContext rest) =>
        {
            var id = RouteValues.Trigger(triggerid);
            if (rest.Operations.Find(id) is not DisposalOperation operation)
            {
                throw RestException.NotFound($"There is no savepoint disposal with triggerId={id} on this silo (disposals are remembered for {rest.Options.OperationRetention.TotalMinutes:0} min).");
            }
            if (!operation.Disposal.IsCompleted) return FlinkJson.Ok(OperationJson.InProgress());
            var failure = operation.Disposal.Exception?.GetBaseException();
            return FlinkJson.Ok(OperationJson.Completed(failure is null
                ? new JsonObject()
                : new JsonObject { ["failure-cause"] = OperationJson.FailureCause(failure.GetType().FullName ?? failure.GetType().Name, failure.Message) }));
        });
    }
}
