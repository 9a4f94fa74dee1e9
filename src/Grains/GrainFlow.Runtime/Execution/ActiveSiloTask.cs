using Orleans.Runtime;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Work a silo runs in the background from the moment it is active (grain calls work) until it
/// stops: started without holding up the silo's start, cancelled and awaited when the silo stops.
/// </summary>
internal abstract class ActiveSiloTask : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <param name="stopping">Cancelled when the silo stops.</param>
    protected abstract Task RunAsync(CancellationToken stopping);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
