using GrainFlow.Runtime.Api.State;

namespace GrainFlow.Runtime.State;

/// <summary>The states user functions declare: those of any backend, in the <see cref="VoidNamespace"/>.</summary>
internal static class KeyedStateBackendExtensions
{
    public static IValueState<TValue> GetValueState<TKey, TValue>(this IKeyedStateBackend<TKey> backend, ValueStateDescriptor<TValue> descriptor)
        where TKey : notnull => backend.GetInternalValueState<VoidNamespace, TValue>(descriptor);

    public static IMapState<TUserKey, TUserValue> GetMapState<TKey, TUserKey, TUserValue>(this IKeyedStateBackend<TKey> backend, MapStateDescriptor<TUserKey, TUserValue> descriptor)
        where TKey : notnull where TUserKey : notnull => backend.GetInternalMapState<VoidNamespace, TUserKey, TUserValue>(descriptor);

    public static IListState<TValue> GetListState<TKey, TValue>(this IKeyedStateBackend<TKey> backend, ListStateDescriptor<TValue> descriptor)
        where TKey : notnull => backend.GetInternalListState<VoidNamespace, TValue>(descriptor);

    public static IReducingState<TValue> GetReducingState<TKey, TValue>(this IKeyedStateBackend<TKey> backend, ReducingStateDescriptor<TValue> descriptor)
        where TKey : notnull => backend.GetInternalReducingState<VoidNamespace, TValue>(descriptor);

    public static IAggregatingState<TIn, TOut> GetAggregatingState<TKey, TIn, TAcc, TOut>(this IKeyedStateBackend<TKey> backend, AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor)
        where TKey : notnull => backend.GetInternalAggregatingState<VoidNamespace, TIn, TAcc, TOut>(descriptor);
}
