using GrainFlow.Runtime.Operators;

namespace GrainFlow.Runtime.State;

/// <summary>The timer services of one keyed operator subtask, by name (Flink's InternalTimeServiceManager); the operator advances them all.</summary>
internal sealed class InternalTimeServiceManager<TKey>(IKeyedStateBackend<TKey> backend, TimeProvider time, RecordTimestamp timestamp) where TKey : notnull
{
    private readonly Dictionary<string, IInternalTimerService> _services = new(StringComparer.Ordinal);

    /// <summary>
    /// The timer service <paramref name="name"/>, created (with its restored timers) on first use; call
    /// it when the operator opens, after the backend received its restored state.
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is taken by a service of another namespace type.</exception>
    public InternalTimerService<TKey, TNamespace> GetInternalTimerService<TNamespace>(string name, ITriggerable<TKey, TNamespace> triggerable)
        where TNamespace : notnull
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(']', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a timer service name: give a non-empty name without ']'.", nameof(name));
        }
        if (_services.TryGetValue(name, out var existing))
        {
            return existing as InternalTimerService<TKey, TNamespace>
                ?? throw new InvalidOperationException($"The timer service '{name}' was already created with namespaces of another type than {typeof(TNamespace).Name}.");
        }
        var service = new InternalTimerService<TKey, TNamespace>(name, backend, triggerable, time, timestamp);
        _services.Add(name, service);
        return service;
    }

    public void AdvanceWatermark(long watermark)
    {
        foreach (var service in _services.Values) service.AdvanceWatermark(watermark);
    }

    public void OnProcessingTime(long now)
    {
        foreach (var service in _services.Values) service.OnProcessingTime(now);
    }
}
