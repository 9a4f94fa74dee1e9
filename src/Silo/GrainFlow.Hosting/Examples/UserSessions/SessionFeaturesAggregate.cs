using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// Folds a session's events into its features as they arrive (the window keeps one accumulator per
/// session, not the events); two sessions that a late event bridges merge their accumulators.
/// </summary>
public sealed class SessionFeaturesAggregate : IAggregateFunction<UserEvent, SessionAccumulator, SessionFeatures>
{
    public SessionAccumulator CreateAccumulator() => SessionAccumulator.Empty;

    public SessionAccumulator Add(UserEvent value, SessionAccumulator accumulator) => accumulator.Add(value);

    public SessionFeatures GetResult(SessionAccumulator accumulator) => accumulator.ToFeatures();

    public SessionAccumulator Merge(SessionAccumulator a, SessionAccumulator b) => a.Merge(b);
}
