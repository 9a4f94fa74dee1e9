using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace GrainFlow.Storage.GrainState;

/// <summary>
/// Orleans grain storage on an <see cref="IObjectStore"/>: each grain state is one JSON object at
/// <see cref="GrainStateKeys.For"/>, written with ETag checks so that two activations of the same
/// grain (e.g. during a silo failover) cannot silently overwrite each other.
/// </summary>
/// <remarks>
/// States are serialised with System.Text.Json so that they can be read and fixed by hand. Public
/// fields and properties are stored (fields included, since Orleans state classes often use them);
/// private members and properties without a public setter are not, unless marked [JsonInclude].
/// </remarks>
public sealed partial class ObjectStoreGrainStorage : IGrainStorage
{
    private readonly JsonSerializerOptions _jsonOptions;
    private readonly ILogger _logger;

    public ObjectStoreGrainStorage(string name, IObjectStore store, JsonSerializerOptions? jsonOptions, ILogger<ObjectStoreGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        Store = store;
        _jsonOptions = jsonOptions ?? CreateDefaultJsonOptions();
        _logger = logger;
    }

    /// <summary>The provider name grains refer to in <c>[PersistentState(stateName, providerName)]</c>.</summary>
    public string Name { get; }

    public IObjectStore Store { get; }

    /// <summary>The serializer settings used when none are configured.</summary>
    public static JsonSerializerOptions CreateDefaultJsonOptions() => new(JsonSerializerDefaults.General)
    {
        IncludeFields = true,
    };

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = GrainStateKeys.For(stateName, grainId);
        var stored = await Store.GetAsync(key).ConfigureAwait(false);
        if (stored is null)
        {
            grainState.State = CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        T? state;
        try
        {
            state = JsonSerializer.Deserialize<T>(stored.Data, _jsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException(
                $"Grain storage '{Name}': the state at '{key}' in {Store.Location} is not valid JSON for {typeof(T).FullName}: {ex.Message} " +
                "Fix or delete that object, or make the state type compatible with what was stored.", ex);
        }

        grainState.State = state ?? CreateDefault<T>();
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = GrainStateKeys.For(stateName, grainId);
        var data = JsonSerializer.SerializeToUtf8Bytes(grainState.State, _jsonOptions);

        // No ETag means "I have seen no stored state": only create, never overwrite someone else's.
        var condition = grainState.ETag is { Length: > 0 } etag ? WriteCondition.IfMatch(etag) : WriteCondition.IfNotExists;
        try
        {
            grainState.ETag = await Store.PutAsync(key, data, condition).ConfigureAwait(false);
            grainState.RecordExists = true;
        }
        catch (ObjectStorePreconditionFailedException ex)
        {
            LogConflict(_logger, Name, "write", grainId, key);
            throw new InconsistentStateException(
                $"Grain storage '{Name}': the state of {grainId} at '{key}' in {Store.Location} was changed by another writer since it was read; the write was not applied.",
                "unknown",
                grainState.ETag ?? "(none)",
                ex);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = GrainStateKeys.For(stateName, grainId);
        try
        {
            await Store.DeleteAsync(key, grainState.ETag is { Length: > 0 } etag ? etag : null).ConfigureAwait(false);
        }
        catch (ObjectStorePreconditionFailedException ex)
        {
            LogConflict(_logger, Name, "clear", grainId, key);
            throw new InconsistentStateException(
                $"Grain storage '{Name}': the state of {grainId} at '{key}' in {Store.Location} was changed by another writer since it was read; it was not cleared.",
                "unknown",
                grainState.ETag ?? "(none)",
                ex);
        }

        grainState.State = CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static T CreateDefault<T>()
    {
        // Orleans hands grains a fresh instance when nothing is stored; types without a
        // parameterless constructor (strings, records with required parameters) start as default.
        var type = typeof(T);
        if (type.IsValueType || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            return default!;
        }

        return Activator.CreateInstance<T>();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage '{Provider}': {Operation} of {GrainId} at '{Key}' lost an ETag race with another writer")]
    private static partial void LogConflict(ILogger logger, string provider, string operation, GrainId grainId, string key);
}
