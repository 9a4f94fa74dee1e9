using System.Collections.Concurrent;
using GrainFlow.Jobs;

namespace GrainFlow.Silo.Rest.Operations;

/// <summary>What a REST-side asynchronous operation is about: a savepoint disposal, or a manual checkpoint of a job.</summary>
public abstract record AsyncOperation(DateTimeOffset Started)
{
    /// <summary>When it completed; the entry is forgotten <see cref="Hosting.RestApiOptions.OperationRetention"/> later.</summary>
    public DateTimeOffset? Completed { get; set; }
}

/// <summary>A disposal runs in the background; its task holds the outcome.</summary>
public sealed record DisposalOperation(DateTimeOffset Started, string Path, Task Disposal) : AsyncOperation(Started);

/// <summary>
/// A manual checkpoint; its outcome is read from the job's checkpoint statistics.
/// <paramref name="FailedBefore"/> is the job's failed-checkpoint count when it was triggered, so the
/// outcome is still known once the checkpoint has left the statistics' short history.
/// </summary>
public sealed record CheckpointOperation(DateTimeOffset Started, JobId JobId, long CheckpointId, int FailedBefore) : AsyncOperation(Started);

/// <summary>
/// The trigger ids of the operations this silo's REST API started itself (savepoints are tracked by
/// their job manager instead). Kept in memory, as Flink's dispatcher keeps them: a status query must
/// reach the silo that accepted the trigger.
/// </summary>
public sealed class AsyncOperationStore(TimeProvider time, TimeSpan retention)
{
    private readonly ConcurrentDictionary<string, AsyncOperation> _operations = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _starting = new(1, 1);

    /// <summary>
    /// Starts the operation <paramref name="start"/> creates under <paramref name="triggerId"/>, unless
    /// that id is known: then the existing one is returned and nothing is started again (a client's retry).
    /// </summary>
    public async Task<AsyncOperation> GetOrStartAsync(string triggerId, Func<Task<AsyncOperation>> start)
    {
        Evict();
        await _starting.WaitAsync();
        try
        {
            if (_operations.TryGetValue(triggerId, out var existing)) return existing;
            var operation = await start();
            _operations[triggerId] = operation;
            return operation;
        }
        finally
        {
            _starting.Release();
        }
    }

    public AsyncOperation? Find(string triggerId)
    {
        Evict();
        return _operations.TryGetValue(triggerId, out var operation) ? operation : null;
    }

    public void MarkCompleted(AsyncOperation operation) => operation.Completed ??= time.GetUtcNow();

    private void Evict()
    {
        var horizon = time.GetUtcNow() - retention;
        foreach (var (id, operation) in _operations)
        {
            if (operation.Completed is { } completed && completed < horizon) _operations.TryRemove(id, out _);
        }
    }
}
