using System.Collections.Concurrent;

namespace GrainFlow.Runtime.Diagnostics;

/// <summary>
/// The figures the grains of this silo registered for the metric exporters (one per silo, in DI):
/// each subtask attempt's <see cref="SubtaskMetricGroup"/>, each job manager's <see cref="JobMetricGroup"/>,
/// each checkpoint coordinator's <see cref="JobCheckpointMetricGroup"/>. An entry belongs to its owner
/// (a grain activation): a newer registration of the same owner replaces it, and it goes when the
/// activation is deactivated, so nothing outlives its grain. The <see cref="GrainFlowInstruments"/>
/// read every live registry of the process when an exporter collects.
/// </summary>
public sealed class MetricRegistry : IDisposable
{
    private static readonly ConcurrentDictionary<MetricRegistry, bool> LiveRegistries = new();
    private readonly ConcurrentDictionary<object, object> _entries = new(ReferenceEqualityComparer.Instance);

    public MetricRegistry()
    {
        GrainFlowInstruments.EnsureCreated();
        LiveRegistries.TryAdd(this, true);
    }

    internal static IEnumerable<MetricRegistry> Live => LiveRegistries.Keys;

    public IEnumerable<SubtaskMetricGroup> Subtasks => _entries.Values.OfType<SubtaskMetricGroup>();

    public IEnumerable<JobMetricGroup> Jobs => _entries.Values.OfType<JobMetricGroup>();

    public IEnumerable<JobCheckpointMetricGroup> Checkpoints => _entries.Values.OfType<JobCheckpointMetricGroup>();

    /// <summary>Registers <paramref name="group"/> for <paramref name="owner"/>, replacing what it registered before, until <see cref="Unregister"/>.</summary>
    public void Register(object owner, object group) => _entries[owner] = group;

    /// <summary>
    /// Registers <paramref name="group"/> for a grain activation: replaces its earlier entry, and goes
    /// when the activation is deactivated.
    /// </summary>
    public void Register(IGrainContext activation, object group)
    {
        var isNew = !_entries.ContainsKey(activation);
        _entries[activation] = group;
        if (isNew) activation.Deactivated.ContinueWith(_ => Unregister(activation), TaskScheduler.Default);
    }

    public void Unregister(object owner) => _entries.TryRemove(owner, out _);

    public void Dispose()
    {
        LiveRegistries.TryRemove(this, out _);
        _entries.Clear();
    }
}
