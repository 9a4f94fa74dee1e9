using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Runtime.Api.State;

/// <summary>Names a piece of keyed state. The name identifies the state within its operator across restores.</summary>
public abstract record StateDescriptor(string Name)
{
    public string Name { get; } = !string.IsNullOrWhiteSpace(Name) ? Name : throw new ArgumentException("A state name must not be empty.", nameof(Name));
}

public sealed record ValueStateDescriptor<T>(string Name) : StateDescriptor(Name);

public sealed record MapStateDescriptor<TUserKey, TUserValue>(string Name) : StateDescriptor(Name) where TUserKey : notnull;

public sealed record ListStateDescriptor<T>(string Name) : StateDescriptor(Name);

/// <summary>A reducing state: <paramref name="Reduce"/> combines two values into one (and merges the state of two windows).</summary>
public sealed record ReducingStateDescriptor<T>(string Name, Func<T, T, T> Reduce) : StateDescriptor(Name);

/// <summary>An aggregating state: <paramref name="Function"/> adds values to an accumulator, merges two and reads its result.</summary>
public sealed record AggregatingStateDescriptor<TIn, TAcc, TOut>(string Name, IAggregateFunction<TIn, TAcc, TOut> Function) : StateDescriptor(Name);
