using System.Text.Json.Nodes;

namespace GrainFlow.Infra.Tests;

/// <summary>A resource found in a template, with the nested deployment (module) that declares it, if any.</summary>
public sealed record ArmResource(string Type, JsonObject Body, JsonObject? Deployment);

public static class ArmJson
{
    public static JsonObject Parse(string json) =>
        JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("Empty JSON document.");

    /// <summary>All resources of a compiled template, descending into nested (module) deployments.</summary>
    public static IReadOnlyList<ArmResource> Resources(JsonObject template)
    {
        var found = new List<ArmResource>();
        Collect(template, deployment: null, found);
        return found;
    }

    public static IReadOnlyList<ArmResource> OfType(this IEnumerable<ArmResource> resources, string type) =>
        resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
        }

        return node;
    }

    private static void Collect(JsonObject template, JsonObject? deployment, List<ArmResource> found)
    {
        // languageVersion 2.0 templates keep resources in an object keyed by symbolic name.
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject map => map.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };

        foreach (var resource in resources)
        {
            var type = resource["type"]?.GetValue<string>() ?? string.Empty;
            found.Add(new ArmResource(type, resource, deployment));
            if (type == "Microsoft.Resources/deployments" && resource.At("properties", "template") is JsonObject nested)
            {
                Collect(nested, resource, found);
            }
        }
    }
}
