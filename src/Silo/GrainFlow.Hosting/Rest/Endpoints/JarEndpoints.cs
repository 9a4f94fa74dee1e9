using System.Globalization;
using System.Text.Json.Nodes;
using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Silo.Rest.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrainFlow.Silo.Rest.Endpoints;

/// <summary>
/// The registered job types as Flink's jars: <c>GET /jars</c> lists them (id = name = the job name) and
/// <c>POST /jars/:jarid/run</c> submits one, restored from a savepoint when <c>savepointPath</c> is given.
/// </summary>
public static class JarEndpoints
{
    private static readonly string[] ClaimModes = ["CLAIM", "NO_CLAIM", "LEGACY"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/jars", async (HttpRequest request, RestContext rest) =>
        {
            var names = await rest.Registry.ListJobTypesAsync();
            var uploaded = FlinkJson.Millis(rest.Started);
            return FlinkJson.Ok(new JsonObject
            {
                ["address"] = $"{request.Scheme}://{request.Host}",
                ["files"] = new JsonArray(names.Select(name => (JsonNode)new JsonObject
                {
                    ["id"] = name,
                    ["name"] = name,
                    ["uploaded"] = uploaded,
                    ["entry"] = new JsonArray(new JsonObject
                    {
                        ["name"] = name,
                        ["description"] = $"GrainFlow job '{name}', registered in the silos.",
                    }),
                }).ToArray()),
            });
        });

        routes.MapPost("/jars/{jarid}/run", async (string jarid, HttpRequest request, RestContext rest) =>
        {
            var body = await RequestBody.ReadAsync(request,
                "entryClass", "programArgsList", "programArgs", "parallelism", "jobId", "allowNonRestoredState", "savepointPath", "claimMode", "restoreMode", "flinkConfiguration");
            if (body.String("jobId") is { } presetId)
            {
                throw RestException.BadRequest($"Field \"jobId\" ({presetId}) is not supported: GrainFlow gives every submitted job a new id.");
            }
            if (body.String("programArgs") is not null)
            {
                throw RestException.BadRequest("Field \"programArgs\" is not supported; pass the arguments one per element in \"programArgsList\".");
            }
            if (body.String("entryClass") is { } entry && entry != jarid)
            {
                throw RestException.BadRequest($"Field \"entryClass\" ({entry}) must be the job's name, {jarid}, or be left out.");
            }
            var parallelism = body.Int("parallelism");
            if (parallelism is < 1) throw RestException.BadRequest($"Invalid value {parallelism} for field \"parallelism\": it must be at least 1.");

            var configuration = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in ProgramArguments(body.StringList("programArgsList") ?? [])) configuration[key] = value;
            foreach (var (key, value) in body.StringMap("flinkConfiguration") ?? new Dictionary<string, string>()) configuration[key] = value;

            // Flink takes these from the body, else from the query string.
            var savepointPath = body.String("savepointPath") ?? NonEmpty(request.Query["savepointPath"]);
            var allowNonRestored = body.Bool("allowNonRestoredState") ?? QueryBool(request, "allowNonRestoredState");
            var claimMode = body.Enum("claimMode", ClaimModes) ?? body.Enum("restoreMode", ClaimModes);
            if (claimMode == "LEGACY") throw RestException.BadRequest("Claim mode LEGACY is not supported; use CLAIM or NO_CLAIM (the default).");
            if (savepointPath is not null) configuration[StateRecoveryOptions.Path.Key] = savepointPath;
            if (allowNonRestored is { } allow) configuration[StateRecoveryOptions.IgnoreUnclaimedState.Key] = allow ? "true" : "false";
            if (claimMode is not null) configuration[StateRecoveryOptions.ClaimMode.Key] = claimMode;

            rest.CheckPath(savepointPath, "savepointPath");

            // The job manager normalises every setting and applies the path policy to each location it
            // names (whatever key, alias or job parameter), before the job is created.
            var jobId = await rest.Registry.SubmitAsync(new JobSubmission(jarid, configuration, parallelism, rest.Paths.Enforced ? rest.Options.AllowedRoots : null));
            return FlinkJson.Ok(new JsonObject { ["jobid"] = jobId.Value });
        });
    }

    /// <summary>
    /// Program arguments as job settings, the forms Flink's ParameterTool reads plus <c>-D</c>:
    /// <c>--key value</c>, <c>--key=value</c>, <c>-Dkey=value</c> / <c>-D key=value</c>; a key without value is "true".
    /// </summary>
    /// <exception cref="RestException">400: an argument is in none of these forms.</exception>
    public static IEnumerable<KeyValuePair<string, string>> ProgramArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "-D" && i + 1 < args.Count) arg = "-D" + args[++i];
            if (arg.StartsWith("-D", StringComparison.Ordinal) && arg.IndexOf('=') > 2)
            {
                yield return new(arg[2..arg.IndexOf('=')].Trim(), arg[(arg.IndexOf('=') + 1)..].Trim());
                continue;
            }
            var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg.StartsWith('-') && arg.Length > 1 && !char.IsDigit(arg[1]) ? arg[1..] : null;
            if (string.IsNullOrWhiteSpace(key))
            {
                throw RestException.BadRequest($"Invalid program argument \"{arg}\": use --key value, --key=value or -Dkey=value.");
            }
            if (key.IndexOf('=') is var equals and > 0)
            {
                yield return new(key[..equals], key[(equals + 1)..]);
            }
            else if (i + 1 < args.Count && !IsKey(args[i + 1]))
            {
                yield return new(key, args[++i]);
            }
            else
            {
                yield return new(key, "true");
            }
        }
    }

    private static bool IsKey(string arg) => arg.StartsWith("--", StringComparison.Ordinal) || (arg.StartsWith('-') && arg.Length > 1 && !char.IsDigit(arg[1]));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool? QueryBool(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return null;
        return bool.TryParse(text, out var value)
            ? value
            : throw RestException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"Invalid value \"{text}\" for query parameter {name}: expected true or false."));
    }
}
