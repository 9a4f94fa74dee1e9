namespace GrainFlow.Bench.PerKeyGrain;

/// <summary>One grain per key, as an Orleans developer writes a durable keyed count today.</summary>
public interface ICounterGrain : IGrainWithIntegerKey
{
    /// <summary>Adds one and returns once the new count is in grain storage.</summary>
    Task IncrementAsync();

    Task<long> GetCountAsync();
}
