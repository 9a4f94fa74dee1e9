namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>What the dynamic session assigners share: calling the user's gap extractor and checking what it returns.</summary>
internal static class DynamicSessionGap
{
    public static long Of<TElement, T>(string assigner, Func<TElement, TimeSpan> gapExtractor, T element)
    {
        if (element is not TElement typed)
        {
            throw new InvalidOperationException(
                $"{assigner}: its gap extractor takes {typeof(TElement).Name} but got {element?.GetType().Name ?? "null"}; window a stream of {typeof(TElement).Name}.");
        }
        return WindowParameters.DynamicGap(assigner, gapExtractor(typed), typeof(TElement));
    }

    public static void CheckElementType<TElement>(string assigner, Type elementType)
    {
        if (!typeof(TElement).IsAssignableFrom(elementType))
        {
            throw new ArgumentException(
                $"{assigner}: its gap extractor takes {typeof(TElement).Name}, but the stream's elements are {elementType.Name}; give the extractor a {elementType.Name} parameter.");
        }
    }
}
