namespace GrainFlow.Runtime.State;

/// <summary>
/// A heap state's contents read together with whether there are any, or taken out, in one lookup of
/// the current key and namespace: what a window does when it fires (<c>HasValue</c> then <c>Get</c>,
/// then <c>Clear</c> when the window goes, would look the entry up three times). Window contents on
/// states without it read them the three-call way.
/// </summary>
internal interface IInternalReadOnceState<TContents>
{
    bool TryGet(out TContents contents);

    /// <summary>Reads the contents and removes them.</summary>
    bool TryTake(out TContents contents);
}
