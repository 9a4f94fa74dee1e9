using GrainFlow.Configuration;
using GrainFlow.Errors;
using GrainFlow.Jobs;
using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.Tasks;
using GrainFlow.Storage.FileSystem;
using GrainFlow.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Tests.Tasks;

/// <summary>
/// The task side of a checkpoint without a cluster: capture at the barrier, forward it, write to a
/// real store in a temp directory, and answer a fake coordinator.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SubtaskCheckpointCoordinatorTests : IDisposable
{
    private const int MaxParallelism = 128;
    private static readonly KeyGroupRange All = new(0, MaxParallelism - 1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TemporaryDirectory _temp = new("grainflow-subtask-checkpoint");
    private readonly StateCodecs _codecs = new(new ServiceCollection().AddSerializer().BuildServiceProvider());
    private readonly FakeCheckpointResponder _responder = new();
    private readonly RecordingNetwork _network = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskDeployment _deployment = new(new JobId("subtask-checkpoint"), "job", 3, GrainFlowConfiguration.Empty, null, "count", 1);
    private readonly FileSystemObjectStore _store;

    public SubtaskCheckpointCoordinatorTests() => _store = new FileSystemObjectStore(_temp.Combine("store"));

    public void Dispose()
    {
        _cancellation.Dispose();
        _temp.Dispose();
    }

    private SubtaskCheckpointCoordinator Coordinator(IReadOnlyList<IStreamOperator> operators, IEnumerable<Task>? writesInFlight = null) =>
        new(_deployment, new OperatorChain(operators, null, _network), CheckpointStorage.OnStore(_store), _codecs, inlineThreshold: 0,
            _responder, TimeProvider.System, NullLogger.Instance, _cancellation.Token, writesInFlight);

    private static CheckpointBarrier Barrier(long id) => new(id, 0, IsSavepoint: false);

    private static OperatorSnapshotResult Staged(string uid, Func<CancellationToken, Task> stage) =>
        new(new CapturedOperatorState(uid, null, [], null, [1, 2, 3]), stage);

    [Fact]
    public async Task TheBarrierFollowsTheCaptureAndTheAcknowledgementCarriesEveryOperatorsStateAsWrittenAtTheBarrier()
    {
        var counts = new StateTable<long, long>("count", 0, MaxParallelism);
        for (long key = 0; key < 100; key++) counts.Set(KeyGroupAssignment.KeyGroupFor(key, MaxParallelism), key, key * 2);
        var source = new TestOperator("source", _ => new(new CapturedOperatorState("source", null, [], new Dictionary<string, long> { ["split-0"] = 42 })));
        var keyed = new TestOperator("count", _ => new(new CapturedOperatorState("count", All, [counts.CaptureUntypedSnapshot()], null)));
        var sink = new TestOperator("sink", _ => new(new CapturedOperatorState("sink", null, [], null, [7, 7])));
        var coordinator = Coordinator([source, keyed, sink]);

        coordinator.CheckpointState(Barrier(5), TimeSpan.FromMilliseconds(9), forward: true);
        counts.Set(KeyGroupAssignment.KeyGroupFor(7L, MaxParallelism), 7, -1); // after the barrier: not in checkpoint 5

        Assert.Equal([Barrier(5)], _network.Sent);
        var (attempt, checkpointId, snapshot) = Assert.Single(await _responder.AcknowledgedAsync());
        Assert.Equal((3, 5), (attempt, checkpointId));
        Assert.Equal(("count", 1), (snapshot.VertexUid, snapshot.SubtaskIndex));
        Assert.Equal(TimeSpan.FromMilliseconds(9), snapshot.AlignmentDuration);
        Assert.Equal(["source", "count", "sink"], snapshot.Operators.Select(o => o.OperatorUid));
        Assert.Equal(42, snapshot.Operators[0].SourceOffsets!["split-0"]);
        Assert.Equal([7, 7], snapshot.Operators[2].OperatorState);

        var directory = CheckpointLayout.CheckpointDirectory(_deployment.JobId, 5);
        var handle = snapshot.Operators[1].State!;
        Assert.NotNull(await _store.GetInfoAsync(directory + handle.RelativePath));
        var restored = new StateTable<long, long>("count", 0, MaxParallelism);
        (await KeyedStateReader.ReadAsync(handle, _store, directory, "chk-5", All, _codecs, CancellationToken.None)).Restore(restored, All);
        Assert.Equal(100, restored.Count);
        Assert.All(restored.Entries, e => Assert.Equal(e.Key * 2, e.Value));
    }

    [Fact]
    public async Task ASubtaskPastItsEndOfInputAcknowledgesWithoutForwardingTheBarrier()
    {
        var coordinator = Coordinator([new TestOperator("source")]);

        coordinator.CheckpointState(Barrier(2), TimeSpan.Zero, forward: false);

        Assert.Single(await _responder.AcknowledgedAsync());
        Assert.Empty(_network.Sent);
    }

    [Fact]
    public async Task ASinksStagedTransactionIsDurableBeforeTheAcknowledgement()
    {
        var staging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinator = Coordinator([new TestOperator("sink", _ => Staged("sink", async _ =>
        {
            staging.SetResult();
            await release.Task;
        }))]);

        coordinator.CheckpointState(Barrier(1), TimeSpan.Zero, forward: true);
        await staging.Task.WaitAsync(Patience);

        Assert.Empty(_responder.Acknowledged);
        release.SetResult();
        Assert.Single(await _responder.AcknowledgedAsync());
    }

    [Fact]
    public async Task AWriteThatFailsDeclinesTheCheckpointAsAFailureNamingTheCause()
    {
        var coordinator = Coordinator([new TestOperator("sink", _ => Staged("sink", _ => throw new IOException("disk full")))]);

        coordinator.CheckpointState(Barrier(4), TimeSpan.Zero, forward: true);

        var decline = Assert.Single(await _responder.DeclinedAsync());
        Assert.Equal((3, 4, new SubtaskId("count", 1), true), (decline.Attempt, decline.CheckpointId, decline.Subtask, decline.CountsAsFailure));
        Assert.Equal("writing the snapshot failed: disk full", decline.Reason);
        Assert.Empty(_responder.Acknowledged);
    }

    [Fact]
    public async Task ASnapshotThatCannotBeTakenAtTheBarrierDeclinesTheCheckpointForwardsTheBarrierAndDeletesTheLocalCheckpointsTakenBeforeIt()
    {
        var local = new FakeNativeSnapshot();
        var coordinator = Coordinator([
            new TestOperator("count", _ => new(new CapturedOperatorState("count", All, [], null, NativeKeyedState: local))),
            new TestOperator("window", _ => throw new IOException("No space left on device")),
        ]);

        coordinator.CheckpointState(Barrier(3), TimeSpan.Zero, forward: true);

        var decline = Assert.Single(await _responder.DeclinedAsync());
        Assert.Equal((3, "taking the snapshot failed: No space left on device", true), (decline.CheckpointId, decline.Reason, decline.CountsAsFailure));
        Assert.Equal([Barrier(3)], _network.Sent);
        Assert.True(local.Disposed);
        Assert.Empty(_responder.Acknowledged);
    }

    [Fact]
    public async Task ANativeSnapshotIsUploadedToTheCheckpointsTargetAcknowledgedAsIncrementalStateAndLetGo()
    {
        var local = new FakeNativeSnapshot();
        var coordinator = Coordinator([new TestOperator("count", _ => new(new CapturedOperatorState("count", All, [], null, NativeKeyedState: local)))]);

        coordinator.CheckpointState(Barrier(4), TimeSpan.Zero, forward: true);

        var (_, _, snapshot) = Assert.Single(await _responder.AcknowledgedAsync());
        var op = Assert.Single(snapshot.Operators);
        Assert.Equal((null, local.Handle, All), (op.State, op.IncrementalState, op.KeyGroups));
        Assert.Equal((CheckpointLayout.CheckpointDirectory(_deployment.JobId, 4), "", 4L), (local.Target!.DirectoryKey, local.Target.SharedRootKey, local.Target.CheckpointId));
        Assert.True(local.Disposed);
    }

    [Fact]
    public async Task ADeclineTheCoordinatorDoesNotTakeIsNotThrownToTheCaller()
    {
        _responder.FailDeclines = true;
        var coordinator = Coordinator([new TestOperator("map")]);

        await coordinator.DeclineAsync(2, 8, "the subtask runs another attempt", countsAsFailure: false);

        var decline = Assert.Single(_responder.Declined);
        Assert.Equal((2, 8, false), (decline.Attempt, decline.CheckpointId, decline.CountsAsFailure));
    }

    [Fact]
    public async Task ACancelledAttemptNeitherAcknowledgesNorDeclinesWhatItWasWriting()
    {
        var staging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinator = Coordinator([new TestOperator("sink", _ => Staged("sink", async token =>
        {
            staging.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        }))]);
        coordinator.CheckpointState(Barrier(1), TimeSpan.Zero, forward: true);
        await staging.Task.WaitAsync(Patience);

        await _cancellation.CancelAsync();
        await coordinator.SettleWritesAsync().WaitAsync(Patience);

        Assert.Empty(_responder.Acknowledged);
        Assert.Empty(_responder.Declined);
    }

    [Fact]
    public async Task ACompletedCheckpointReachesEveryOperatorInChainOrderAndANonRecoverableFailureStopsTheRest()
    {
        var notified = new List<string>();
        var coordinator = Coordinator([
            new TestOperator("a", notify: id => notified.Add($"a:{id}")),
            new TestOperator("b", notify: id => throw new NonRecoverableJobException("the transaction is gone")),
            new TestOperator("c", notify: id => notified.Add($"c:{id}")),
        ]);

        await Assert.ThrowsAsync<NonRecoverableJobException>(() => coordinator.NotifyCheckpointCompleteAsync(6));

        Assert.Equal(["a:6"], notified);
    }

    [Fact]
    public async Task SettlingWaitsForTheWritesInFlightAlsoThoseOfThePreviousAttempt()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = Coordinator([new TestOperator("sink", _ => Staged("sink", _ => release.Task))]);
        previous.CheckpointState(Barrier(1), TimeSpan.Zero, forward: true);
        var next = Coordinator([new TestOperator("sink")], previous.WritesInFlight);

        var settled = next.SettleWritesAsync();
        Assert.False(settled.IsCompleted);

        release.SetResult();
        await settled.WaitAsync(Patience);
        Assert.Single(_responder.Acknowledged);
    }

    /// <summary>An operator whose snapshot and notification the test decides.</summary>
    private sealed class TestOperator(string uid, Func<long, OperatorSnapshotResult>? snapshot = null, Action<long>? notify = null)
        : OperatorBase<long>(uid, uid)
    {
        public override void Collect(long record) { }

        public override OperatorSnapshotResult SnapshotState(CheckpointBarrier barrier) => snapshot?.Invoke(barrier.CheckpointId) ?? base.SnapshotState(barrier);

        public override Task NotifyCheckpointCompleteAsync(long checkpointId)
        {
            notify?.Invoke(checkpointId);
            return Task.CompletedTask;
        }
    }

    /// <summary>A backend's local checkpoint that records where it was uploaded to and whether it was let go.</summary>
    private sealed class FakeNativeSnapshot : INativeKeyedSnapshot
    {
        public IncrementalKeyedStateHandle Handle { get; } = new("00112233445566778899aabbccddeeff", 4, [], [], StateChecksum.Xxh3);

        public IncrementalSnapshotTarget? Target { get; private set; }

        public bool Disposed { get; private set; }

        public Task<IncrementalKeyedStateHandle> UploadAsync(IncrementalSnapshotTarget target, CancellationToken cancellation)
        {
            Target = target;
            Dispose();
            return Task.FromResult(Handle);
        }

        public void Dispose() => Disposed = true;
    }

    private sealed class RecordingNetwork : INetworkOutput
    {
        public List<ControlEvent?> Sent { get; } = new();

        public IEnumerable<OutputChannel> Channels => [];

        public void FlushAll(ControlEvent? control) => Sent.Add(control);
    }
}
