using GrainFlow.Storage.GrainState;

namespace GrainFlow.Runtime.Hosting;

/// <summary>
/// Stops a silo on Azure Blob storage that finds grain state written by GrainFlow's former, hand-written
/// blob grain storage: Orleans' provider reads other blob names, so the silo would start without its
/// jobs instead.
/// </summary>
/// <remarks>
/// The former provider kept each state at <c>grainstate/&lt;grain type&gt;/&lt;grain key&gt;/&lt;state&gt;.json</c>
/// in the data container (long keys shortened with a hash, so the names cannot always be mapped back);
/// Orleans' provider keeps it at <c>&lt;state&gt;-&lt;grain id&gt;.json</c> in the grain-state container.
/// </remarks>
internal sealed class FormerBlobGrainStateCheck(GrainFlowStores stores) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        // Before grain storage is used (ApplicationServices), so no job starts from an empty registry.
        lifecycle.Subscribe(nameof(FormerBlobGrainStateCheck), ServiceLifecycleStage.RuntimeInitialize, CheckAsync);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        await foreach (var found in stores.Data.ListAsync(GrainStateKeys.Root, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException(
                $"Grain state of an earlier GrainFlow version was found at {stores.Data.Location}/{found.Key}: this version keeps grain state " +
                "with Orleans' Azure Blob grain storage, which cannot read it, so the silo would start without its jobs. " +
                "Start the earlier version, stop each job with a savepoint (grainflow stop -p <dir> <job id>), delete the blobs under " +
                $"{stores.Data.Location}/{GrainStateKeys.Root}, then start this version and run each job again from its savepoint (grainflow run -s <path>).");
        }
    }
}
