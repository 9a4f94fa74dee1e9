using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.Api.Windowing;

/// <summary>Keyed state a window function can declare (Flink's <c>KeyedStateStore</c>), scoped by the store that hands it out.</summary>
public interface IKeyedStateStore
{
    IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor);

    IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor);

    IMapState<TUserKey, TUserValue> GetMapState<TUserKey, TUserValue>(MapStateDescriptor<TUserKey, TUserValue> descriptor) where TUserKey : notnull;
}
