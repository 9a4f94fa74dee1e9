namespace GrainFlow.Runtime.State;

/// <summary>
/// A heap state that adds to the current key and namespace and says, from the same lookup, whether
/// there was an entry before: a window whose contents already existed has its cleanup timer already
/// (registering it is idempotent), so the window operator skips that second lookup. Window contents on
/// states without it register the timer for every element, as before.
/// </summary>
internal interface IInternalAddingState<in TIn>
{
    /// <summary>Adds <paramref name="value"/>; true when the current key and namespace had an entry before.</summary>
    bool AddToExisting(TIn value);
}
