using System.Diagnostics.Metrics;
using GrainFlow.Runtime.Diagnostics;

namespace GrainFlow.Runtime.Tests.Diagnostics;

/// <summary>One measurement of a GrainFlow instrument, as an exporter receives it.</summary>
public sealed record Measured(string Name, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>Collects every GrainFlow instrument once, as an exporter does (a MeterListener), keeping one job's series.</summary>
public static class Exported
{
    /// <remarks>Registries of every silo of this test process are read: filtering by job keeps other tests' series out.</remarks>
    public static List<Measured> Collect(string jobId)
    {
        var seen = new List<Measured>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GrainFlowInstruments.Name) l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags) map[tag.Key] = tag.Value;
            if (jobId.Equals(map.GetValueOrDefault("job_id"))) seen.Add(new Measured(instrument.Name, value, map));
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    /// <summary>The value of Flink's job metric <paramref name="name"/> (e.g. numRestarts) of <paramref name="jobId"/>.</summary>
    public static long JobMetric(string jobId, string name) =>
        (long)Assert.Single(Collect(jobId), m => m.Name == "flink.jobmanager.job." + name).Value;
}
