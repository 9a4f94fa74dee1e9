using System.Collections.Immutable;
using System.Runtime.InteropServices;
using GrainFlow.Runtime.Checkpointing;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// The running features of one session. Immutable: it lives in keyed state that a checkpoint may
/// still be reading, and two sessions bridged by a late event merge into a new one. The distinct pages
/// are a sorted array (ordinal), shared with the next accumulator when the page was seen already: a
/// million open sessions hold a few objects each, not a tree of nodes, and a checkpoint writes them
/// with <see cref="SessionAccumulatorCodec"/>.
/// </summary>
[StateCodec(typeof(SessionAccumulatorCodec))]
public sealed record SessionAccumulator(string? UserId, long First, long Last, long Events, ImmutableArray<string> Pages)
{
    public static readonly SessionAccumulator Empty = new(null, long.MaxValue, long.MinValue, 0, []);

    public SessionAccumulator Add(UserEvent e)
    {
        var at = Pages.AsSpan().BinarySearch(e.Page, StringComparer.Ordinal);
        var pages = at >= 0 ? Pages : Insert(Pages, ~at, e.Page);
        return new(e.UserId, Math.Min(First, e.Timestamp), Math.Max(Last, e.Timestamp), Events + 1, pages);
    }

    public SessionAccumulator Merge(SessionAccumulator other) =>
        new(UserId ?? other.UserId, Math.Min(First, other.First), Math.Max(Last, other.Last), Events + other.Events, Union(Pages, other.Pages));

    public SessionFeatures ToFeatures() => new(UserId ?? "", First, Last, Events, Pages.Length, Last - First);

    /// <summary>Distinct pages in ordinal order, whatever order and repeats <paramref name="pages"/> come in.</summary>
    public static ImmutableArray<string> DistinctPages(IEnumerable<string> pages)
    {
        var sorted = pages.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return ImmutableCollectionsMarshal.AsImmutableArray(sorted);
    }

    private static ImmutableArray<string> Insert(ImmutableArray<string> pages, int index, string page)
    {
        var grown = new string[pages.Length + 1];
        var span = pages.AsSpan();
        span[..index].CopyTo(grown);
        grown[index] = page;
        span[index..].CopyTo(grown.AsSpan(index + 1));
        return ImmutableCollectionsMarshal.AsImmutableArray(grown);
    }

    private static ImmutableArray<string> Union(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        if (b.IsEmpty) return a;
        if (a.IsEmpty) return b;
        var union = new string[a.Length + b.Length];
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            var order = string.CompareOrdinal(a[i], b[j]);
            union[n++] = order <= 0 ? a[i] : b[j];
            if (order <= 0) i++;
            if (order >= 0) j++;
        }
        while (i < a.Length) union[n++] = a[i++];
        while (j < b.Length) union[n++] = b[j++];
        Array.Resize(ref union, n);
        return ImmutableCollectionsMarshal.AsImmutableArray(union);
    }
}
