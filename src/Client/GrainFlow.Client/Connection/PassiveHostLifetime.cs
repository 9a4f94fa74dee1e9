using Microsoft.Extensions.Hosting;

namespace GrainFlow.Client.Connection;

/// <summary>
/// A host lifetime that does nothing. The CLI's client host must not install the default console
/// lifetime's Ctrl+C/SIGTERM handlers: System.CommandLine owns those and cancels the command.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
