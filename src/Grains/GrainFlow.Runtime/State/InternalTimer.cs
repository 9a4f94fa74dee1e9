namespace GrainFlow.Runtime.State;

/// <summary>A timer of a keyed operator (Flink's InternalTimer): when, for which key, in which namespace.</summary>
internal readonly record struct InternalTimer<TKey, TNamespace>(long Timestamp, TKey Key, TNamespace Namespace);

/// <summary>What a timer service calls when a timer fires, with the timer's key already current (Flink's Triggerable).</summary>
internal interface ITriggerable<TKey, TNamespace>
{
    void OnEventTime(InternalTimer<TKey, TNamespace> timer);

    void OnProcessingTime(InternalTimer<TKey, TNamespace> timer);
}
