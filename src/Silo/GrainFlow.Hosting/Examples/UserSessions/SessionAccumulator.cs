using System.Collections.Immutable;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// The running features of one session. Immutable: it lives in keyed state that a checkpoint may
/// still be reading, and two sessions bridged by a late event merge into a new one.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainflow.examples.SessionAccumulator")]
public sealed record SessionAccumulator(
    [property: Id(0)] string? UserId,
    [property: Id(1)] long First,
    [property: Id(2)] long Last,
    [property: Id(3)] long Events,
    [property: Id(4)] ImmutableSortedSet<string> Pages)
{
    public static readonly SessionAccumulator Empty = new(null, long.MaxValue, long.MinValue, 0, ImmutableSortedSet<string>.Empty);

    public SessionAccumulator Add(UserEvent e) =>
        new(e.UserId, Math.Min(First, e.Timestamp), Math.Max(Last, e.Timestamp), Events + 1, Pages.Add(e.Page));

    public SessionAccumulator Merge(SessionAccumulator other) =>
        new(UserId ?? other.UserId, Math.Min(First, other.First), Math.Max(Last, other.Last), Events + other.Events, Pages.Union(other.Pages));

    public SessionFeatures ToFeatures() => new(UserId ?? "", First, Last, Events, Pages.Count, Last - First);
}
