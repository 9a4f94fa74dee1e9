namespace GrainFlow.Runtime.Api.Functions;

/// <summary>Where a function emits its results.</summary>
public interface ICollector<in T>
{
    void Collect(T record);
}
