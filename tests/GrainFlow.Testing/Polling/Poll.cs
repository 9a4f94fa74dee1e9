namespace GrainFlow.Testing.Polling;

/// <summary>The one way tests wait for something to happen: check a condition until it holds, fail with what was awaited.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <param name="what">What is awaited, for the failure message ("3 checkpoints completed").</param>
    /// <param name="detail">More to say when it times out (e.g. a process's output).</param>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/> (60 s by default).</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? detail = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {limit.TotalSeconds:0} s: {what}." + (detail is null ? "" : Environment.NewLine + detail()));
            }
            await Task.Delay(Interval);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?, Func{string}?)"/>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? detail = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, detail);
}
