using System.Text.Json;
using GrainFlow.Jobs;
using Microsoft.AspNetCore.Http;

namespace GrainFlow.Silo.Rest.Http;

/// <summary>
/// A request's JSON body, read strictly as Flink's REST API does: malformed JSON, a non-object body,
/// unknown fields and values of the wrong type are 400s naming the field; an empty body is an empty object.
/// </summary>
public sealed class RequestBody
{
    /// <summary>Bodies are small JSON objects; anything larger is a mistake or an attack.</summary>
    public const int MaxBytes = 1 << 20;

    private readonly JsonElement _root;

    private RequestBody(JsonElement root) => _root = root;

    /// <param name="fields">The fields this request knows; any other field is refused.</param>
    /// <exception cref="RestException">400: the body is not a JSON object of known fields.</exception>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, params string[] fields)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length > MaxBytes) throw RestException.BadRequest($"The request body is larger than {MaxBytes} bytes.");
        var bytes = buffer.ToArray();
        if (bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return new RequestBody(EmptyObject());
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw RestException.BadRequest($"Request did not match expected format: the body is not valid JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RestException.BadRequest($"Request did not match expected format: the body must be a JSON object, not {Describe(root.ValueKind)}.");
        }
        foreach (var property in root.EnumerateObject())
        {
            if (!fields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw RestException.BadRequest(
                    $"Request did not match expected format: unknown field \"{property.Name}\". Known fields: {string.Join(", ", fields.Select(f => $"\"{f}\""))}.");
            }
        }
        return new RequestBody(root);
    }

    public string? String(string field)
    {
        if (!TryGet(field, out var value)) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw WrongType(field, "a string", value);
    }

    public bool? Bool(string field)
    {
        if (!TryGet(field, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(field, "true or false", value),
        };
    }

    public int? Int(string field)
    {
        if (!TryGet(field, out var value)) return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw WrongType(field, "a whole number", value);
    }

    /// <summary>An enum field given by one of <paramref name="names"/> (case-insensitive, as Flink's CLI spells them too).</summary>
    public string? Enum(string field, params string[] names)
    {
        var text = String(field);
        if (text is null) return null;
        return names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase))
            ?? throw RestException.BadRequest($"Invalid value \"{text}\" for field \"{field}\": expected one of {string.Join(", ", names)}.");
    }

    public IReadOnlyList<string>? StringList(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) throw WrongType(field, "an array of strings", value);
        return value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw WrongType(field, "an array of strings", value)).ToList();
    }

    /// <summary>An object of configuration values; numbers and booleans are taken as their text, as a YAML file would give them.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) throw WrongType(field, "an object of \"key\": \"value\" pairs", value);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            map[entry.Name] = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => entry.Value.GetRawText(),
                _ => throw RestException.BadRequest(
                    $"Invalid value for \"{field}\".\"{entry.Name}\": expected a string, number or boolean, not {Describe(entry.Value.ValueKind)}."),
            };
        }
        return map;
    }

    /// <summary>Flink's trigger ids are 32 hex digits (a TriggerId is a 16-byte AbstractID).</summary>
    public string? TriggerId(string field = "triggerId")
    {
        var text = String(field);
        if (text is null) return null;
        return Operations.TriggerIds.IsValid(text)
            ? text.ToLowerInvariant()
            : throw RestException.BadRequest($"Invalid value \"{text}\" for field \"{field}\": a trigger id is 32 hexadecimal characters.");
    }

    private bool TryGet(string field, out JsonElement value) =>
        _root.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    private static RestException WrongType(string field, string expected, JsonElement value) =>
        RestException.BadRequest($"Invalid value for field \"{field}\": expected {expected}, not {Describe(value.ValueKind)}.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}

/// <summary>Path parameters, validated before any grain is called.</summary>
public static class RouteValues
{
    /// <exception cref="RestException">400: not a job id.</exception>
    public static JobId Job(string jobid) => JobId.TryParse(jobid, out var id)
        ? id.Value
        : throw RestException.BadRequest($"Bad request, could not parse parameters: Cannot resolve path parameter (jobid) from value \"{jobid}\": a job id is 32 hexadecimal characters.");

    /// <summary>
    /// Any id a trigger call returned: 32 hex digits when the client chose it (Flink's form), else
    /// whatever the job manager issued, so only characters that cannot change the route are required.
    /// </summary>
    /// <exception cref="RestException">400: not a trigger id.</exception>
    public static string Trigger(string triggerid) =>
        triggerid.Length is > 0 and <= 64 && triggerid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? triggerid
            : throw RestException.BadRequest($"Bad request, could not parse parameters: Cannot resolve path parameter (triggerid) from value \"{triggerid}\".");

    /// <exception cref="RestException">400: not a checkpoint id.</exception>
    public static long Checkpoint(string checkpointid) => long.TryParse(checkpointid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
        ? id
        : throw RestException.BadRequest($"Bad request, could not parse parameters: Cannot resolve path parameter (checkpointid) from value \"{checkpointid}\": a checkpoint id is a whole number.");
}
