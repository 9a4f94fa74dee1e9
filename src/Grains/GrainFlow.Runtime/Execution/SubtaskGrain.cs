using System.Diagnostics;
using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Runs one subtask: the chained operators of one vertex for one subtask index. Reentrant so that
/// its input channels, its timer and control calls interleave at await points; all record processing
/// is synchronous, so an interleaving never splits a batch. At a checkpoint barrier it captures its
/// operators' state synchronously (O(buckets)), forwards the barrier, and writes the state on a pool
/// thread while processing goes on; the acknowledgement follows the write.
/// </summary>
[Reentrant]
[SubtaskPlacement]
// Its running state lives in memory and cannot move: Orleans must not migrate it (rebalancing, or a
// silo's shutdown, which would look for another silo even when none is left); a lost activation fails over through the job manager.
[Orleans.Placement.Immovable]
internal sealed partial class SubtaskGrain(
    JobCatalog catalog, IServiceProvider services, GrainFlowStores stores, StateCodecs codecs, TimeProvider time, ILocalSiloDetails silo,
    ClusterShutdown shutdown, ILogger<SubtaskGrain> logger)
    : Grain, ISubtaskGrain
{
    private static readonly JsonSerializerOptions StateJson = new() { IncludeFields = true };

    /// <summary>How long a batch of a channel blocked by a barrier alignment waits in its call before it goes back to its sender.</summary>
    private static readonly TimeSpan AlignmentHoldTime = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a deactivating subtask waits for the job manager to take its failure report (it is sent either way).</summary>
    private static readonly TimeSpan ReportWaitOnDeactivation = TimeSpan.FromSeconds(1);

    private TaskDeployment? _deployment;
    // The newest attempt this grain was asked to deploy or cancel: older requests that arrive late are ignored.
    private long _newestAttempt;
    private SubtaskState _state = SubtaskState.Idle;
    private List<IStreamOperator> _operators = new();
    private IBatchInput? _input;
    private SourceDriver? _source;
    private INetworkOutput? _network;
    private InputGate? _gate;
    private BarrierAligner? _aligner;
    private CheckpointStorage? _checkpoints;
    private IGrainTimer? _timer;
    private CancellationTokenSource _cancellation = new();
    private int _batchSize;
    private int _channelCapacity;
    private long _inlineThreshold;
    private long _recordsIn;
    private long _batchesIn;
    private bool _finishing;
    private bool _closed;
    // Set when the job manager lets go of this attempt: no snapshot is started after that.
    private bool _released;
    private bool _checkpointingEnabled;
    // Stop with a savepoint: the source emits nothing after the savepoint's barrier.
    private bool _sourceStopped;
    // Stop with drain: the source ends its input at its next poll.
    private bool _endInputRequested;
    private long _lastCoordinatorPing;
    // Snapshot writes in flight: finishing and cancelling wait for them, so no file of this subtask
    // lands after the job's checkpoint directory was cleaned up.
    private readonly List<Task> _snapshotWrites = new();

    private enum SubtaskState { Idle, Deployed, Running, Finished, Failed, Canceled }

    public async Task DeployAsync(TaskDeployment deployment)
    {
        if (deployment.Attempt <= _newestAttempt) return;
        _newestAttempt = deployment.Attempt;
        var graph = catalog.BuildGraph(deployment.JobId, deployment.JobName, deployment.Configuration, deployment.Parallelism);
        var vertex = graph.Vertex(deployment.VertexUid);
        var configuration = graph.Configuration;
        var checkpoints = CheckpointStorage.For(configuration, stores);
        var keyGroups = GrainFlow.KeyGroups.KeyGroupAssignment.RangeForSubtask(deployment.SubtaskIndex, vertex.Parallelism, graph.MaxParallelism);
        // Read the state to restore before touching the running attempt, then switch over without
        // an await: calls of the previous attempt never see a half-built one.
        var restore = deployment.Restore is { } point
            ? (await SubtaskStateRestorer.LoadAsync(CheckpointStorage.OnStore(checkpoints.StoreFor(point.StoreLocation, configuration)), point.DirectoryKey, point.ExternalPath,
                vertex.Chain.Select(n => (n.Uid, n.IsKeyed)), deployment.SubtaskIndex, vertex.Parallelism, keyGroups, codecs, CancellationToken.None)).Operators
            : null;
        if (deployment.Attempt != _newestAttempt) return; // a newer attempt was deployed or cancelled meanwhile

        Teardown();
        _deployment = deployment;
        // A graceful stop of the whole cluster ends the attempt's work here: it resumes from its latest checkpoint later.
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(shutdown.LastSiloStopping);
        _batchSize = configuration.Get(PipelineOptions.BatchSize);
        _channelCapacity = configuration.Get(PipelineOptions.ChannelCapacity);
        _inlineThreshold = configuration.Get(CheckpointingOptions.InlineThreshold);
        _checkpointingEnabled = CheckpointingOptions.IsEnabled(configuration);
        _checkpoints = checkpoints;

        object output;
        var timestamp = new RecordTimestamp();
        var tail = vertex.Chain[^1];
        if (vertex.Outputs.Count > 0)
        {
            var edgeWriters = vertex.Outputs.Select(edge => tail.CreateEdgeWriter(
                edge.Target.Chain[0], deployment.SubtaskIndex, CreateChannels(deployment, edge), _batchSize, graph.MaxParallelism, timestamp));
            (output, _network) = tail.CreateNetworkOutput(edgeWriters.ToList());
        }
        else
        {
            output = tail.CreateDiscardingOutput();
            _network = null;
        }

        var operators = new List<IStreamOperator>();
        for (var i = vertex.Chain.Count - 1; i >= 0; i--)
        {
            var op = vertex.Chain[i].Instantiate(output);
            operators.Insert(0, op);
            output = op;
        }
        _operators = operators;
        _source = operators[0] as SourceDriver;
        _input = _source is null ? vertex.Chain[0].CreateBatchInput(operators[0], timestamp) : null;
        _gate = new InputGate(deployment.Attempt, vertex.Inputs.Select(e => (e.Index, e.SendersPerTarget)));
        _aligner = new BarrierAligner(configuration.Get(CheckpointingOptions.Mode), time);
        foreach (var op in _operators)
        {
            op.Open(new OperatorContext(deployment.JobId, deployment.JobName, deployment.Attempt, vertex.Uid, deployment.SubtaskIndex,
                vertex.Parallelism, graph.MaxParallelism, configuration, services, time, logger, restore?.GetValueOrDefault(op.Uid)) { Timestamp = timestamp });
        }
        // Before any record: sinks commit what the restored checkpoint pre-committed and abort the rest.
        // No record or barrier of this attempt arrives meanwhile: the job manager starts it after every deployment returned.
        foreach (var op in _operators)
        {
            if (op is not ISinkOperator sink) continue;
            var restored = restore?.GetValueOrDefault(op.Uid);
            await sink.RestoreAsync(restored?.OperatorStates ?? [], restored?.PredecessorSubtasks ?? [deployment.SubtaskIndex]);
            if (!IsCurrent(deployment)) return;
        }
        var tick = configuration.Get(PipelineOptions.BufferTimeout);
        _timer = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions { DueTime = tick, Period = tick, KeepAlive = true, Interleave = true });
        _state = SubtaskState.Deployed;
        _recordsIn = 0;
        _batchesIn = 0;
        _finishing = false;
        _closed = false;
        _released = false;
        _sourceStopped = false;
        _endInputRequested = false;
        LogDeployed(deployment.JobId, vertex.Name, deployment.SubtaskIndex, deployment.Attempt);
    }

    /// <summary>
    /// An activation going away while its attempt runs takes its in-memory state with it (Orleans
    /// collected or migrated it, or its silo shuts down): report that as a failure, so the job
    /// restarts from the latest checkpoint instead of going on without that state.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_deployment is not { } deployment || _released || _state is not (SubtaskState.Running or SubtaskState.Deployed)) return;
        _state = SubtaskState.Failed;
        Teardown();
        var origin = $"{deployment.VertexUid} subtask {deployment.SubtaskIndex}";
        if (shutdown.LastSiloStopping.IsCancellationRequested)
        {
            // The whole cluster stops: there is nowhere to fail over to, and the job resumes from its latest checkpoint later.
            LogStoppedWithCluster(deployment.JobId, origin);
            return;
        }
        var message = $"Subtask {origin} of job {deployment.JobId} was deactivated while running ({reason.ReasonCode}: {reason.Description}); its state is lost with the activation.";
        LogDeactivatedWhileRunning(deployment.JobId, origin, reason.ReasonCode.ToString());
        // Sent at once, waited for only briefly: the job manager may itself be waiting for this
        // activation (deploying the next attempt to it), which Orleans holds until the deactivation
        // ends — waiting for the answer would stall both until the deactivation timed out.
        var report = GrainFactory.GetGrain<IJobMasterGrain>(deployment.JobId.Value)
            .SubtaskFailedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex,
                new FailureCause("GrainFlow.SubtaskDeactivatedException", message, message, origin, time.GetUtcNow()));
        try
        {
            await report.WaitAsync(ReportWaitOnDeactivation, time, cancellationToken);
        }
        catch (Exception e)
        {
            // A lost report is caught by the job manager's heartbeats, and its other subtasks fail
            // over too: their next batch reaches an activation that was never deployed.
            _ = report.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            LogDeactivationReportUnconfirmed(deployment.JobId, origin, e.GetType().Name);
        }
    }

    public Task StartAsync(long attempt)
    {
        if (_deployment?.Attempt != attempt || _state != SubtaskState.Deployed) return Task.CompletedTask;
        _state = SubtaskState.Running;
        if (_source is not null) _ = RunSourceAsync(_cancellation.Token);
        return Task.CompletedTask;
    }

    public async Task<BatchDelivery> ReceiveAsync(Immutable<ChannelBatch> batch)
    {
        if (_deployment is null || batch.Value.Attempt > _deployment.Attempt)
        {
            // Never drop silently: a batch for an attempt this activation does not run means the
            // deployment was lost (e.g. the activation moved); failing the channel fails the job over.
            throw new InvalidOperationException(
                $"Subtask {this.GetPrimaryKeyString()} is not deployed for attempt {batch.Value.Attempt} (it runs attempt {_deployment?.Attempt.ToString() ?? "none"}).");
        }
        if (_gate is null || batch.Value.Attempt != _deployment.Attempt) return BatchDelivery.Accepted;
        if (_state is not (SubtaskState.Running or SubtaskState.Deployed)) return BatchDelivery.Accepted;
        var deployment = _deployment;
        var gate = _gate;
        var aligner = _aligner!;
        // EXACTLY_ONCE alignment: a channel that delivered the barrier takes nothing more until the
        // barrier came on every channel. Its batch waits here briefly, then goes back to the sender,
        // which offers it again: the channel stays backpressured, and no call stays open for as long
        // as an alignment may last (Orleans waits for open calls before it deactivates an activation,
        // and a call held until a lost sender's barrier arrives would hold the activation forever).
        if (!await WaitForAlignmentAsync(aligner, (batch.Value.EdgeIndex, batch.Value.SenderSubtask))) return BatchDelivery.HeldBackByAlignment;
        if (_state is not (SubtaskState.Running or SubtaskState.Deployed) || !IsCurrent(deployment)) return BatchDelivery.Accepted;
        _state = SubtaskState.Running;
        try
        {
            foreach (var ready in gate.Offer(batch.Value))
            {
                var channel = (ready.EdgeIndex, ready.SenderSubtask);
                // Only a batch released together with the one before it can find its channel blocked here,
                // which takes two batches of one channel in flight: senders keep one. Correct, if slow.
                while (aligner.IsBlocked(channel)) await aligner.Released;
                if (_state != SubtaskState.Running || !IsCurrent(deployment)) return BatchDelivery.Accepted;
                if (ready.Count > 0)
                {
                    _input!.Process(ready);
                    _recordsIn += ready.Count;
                }
                _batchesIn++;
                switch (ready.Control)
                {
                    case CheckpointBarrier barrier:
                        if (aligner.OnBarrier(channel, barrier, gate.LiveChannelCount, out var alignment))
                        {
                            TakeSnapshot(barrier, alignment, forward: true);
                        }
                        break;
                    case EndOfInput:
                        gate.MarkEnded(ready.EdgeIndex, ready.SenderSubtask);
                        if (aligner.OnChannelEnded(channel, gate.LiveChannelCount, out var aligned) && aligner.LastCompletedBarrier is { } completed)
                        {
                            TakeSnapshot(completed, aligned, forward: true);
                        }
                        if (gate.AllEnded)
                        {
                            await FinishAsync();
                            return BatchDelivery.Accepted;
                        }
                        break;
                }
            }
            await AfterBatchAsync();
        }
        catch (Exception e) when (IsCurrent(deployment))
        {
            Fail(e);
        }
        return BatchDelivery.Accepted;
    }

    /// <summary>
    /// Waits while <paramref name="channel"/> is blocked by a barrier alignment, at most
    /// <see cref="AlignmentHoldTime"/>; true when it may go on (released, or the attempt was torn down).
    /// </summary>
    private async Task<bool> WaitForAlignmentAsync(BarrierAligner aligner, (int Edge, int Sender) channel)
    {
        if (!aligner.IsBlocked(channel)) return true;
        var holdExpired = Task.Delay(AlignmentHoldTime, time);
        while (aligner.IsBlocked(channel))
        {
            if (await Task.WhenAny(aligner.Released, holdExpired) == holdExpired) return !aligner.IsBlocked(channel);
        }
        return true;
    }

    /// <summary>True while <paramref name="deployment"/> is the attempt this activation runs (async flows check it after every await).</summary>
    private bool IsCurrent(TaskDeployment deployment) => ReferenceEquals(_deployment, deployment);

    public Task TriggerCheckpointAsync(long attempt, CheckpointBarrier barrier)
    {
        if (_deployment is null || _deployment.Attempt != attempt) return DeclineAsync(attempt, barrier.CheckpointId, "the subtask runs another attempt", false);
        if (_released) return DeclineAsync(attempt, barrier.CheckpointId, "the job is ending", false);
        switch (_state)
        {
            case SubtaskState.Running or SubtaskState.Deployed when _source is not null:
                // Between two polls of the source loop: every record before this point is before the barrier.
                // A source already past its last record has sent end-of-input instead of barriers: its
                // final offsets are its state, and its consumers no longer wait for it.
                TakeSnapshot(barrier, TimeSpan.Zero, forward: !_finishing);
                if (barrier.StopSources) _sourceStopped = true;
                return Task.CompletedTask;
            case SubtaskState.Finished:
                TakeSnapshot(barrier, TimeSpan.Zero, forward: false);
                return Task.CompletedTask;
            default:
                return DeclineAsync(attempt, barrier.CheckpointId, $"the subtask is {_state.ToString().ToUpperInvariant()}", false);
        }
    }

    public Task EndInputAsync(long attempt)
    {
        if (_deployment?.Attempt == attempt && _source is not null) _endInputRequested = true;
        return Task.CompletedTask;
    }

    public async Task NotifyCheckpointCompleteAsync(long attempt, long checkpointId)
    {
        if (_deployment is not { } deployment || deployment.Attempt != attempt) return;
        LogCheckpointComplete(checkpointId, deployment.VertexUid, deployment.SubtaskIndex);
        // Sinks commit before this call returns: the coordinator waits for that before the job may finish.
        foreach (var op in _operators.ToList())
        {
            if (op is not ISinkOperator sink) continue;
            try
            {
                await sink.NotifyCheckpointCompleteAsync(checkpointId);
            }
            catch (Exception e) when (FailureCause.IsNonRecoverable(e))
            {
                // Output of a completed checkpoint is lost: the job fails, also when this subtask had
                // finished (then its final commit is what failed, and the job must not end FINISHED).
                if (_state == SubtaskState.Finished) ReportFailure(e, deployment);
                else Fail(e);
                return;
            }
        }
    }

    public async Task CancelAsync(long attempt)
    {
        _newestAttempt = Math.Max(_newestAttempt, attempt);
        if (_deployment is null || _deployment.Attempt > attempt) return;
        _released = true;
        if (_state == SubtaskState.Finished)
        {
            // Its final state stays queryable until the activation is collected.
            await SettleSnapshotWritesAsync();
            return;
        }
        if (_state is SubtaskState.Running or SubtaskState.Deployed) _state = SubtaskState.Canceled;
        Teardown();
        await SettleSnapshotWritesAsync();
        // No DeactivateOnIdle: the next attempt is deployed on this same grain, and a deactivation
        // racing with that deployment would leave the new attempt's batches to an empty activation.
        // With its timer gone, an idle activation is collected by Orleans in the usual way.
    }

    /// <summary>Waits (boundedly) for snapshot writes in flight to be acknowledged or abandoned.</summary>
    private async Task SettleSnapshotWritesAsync()
    {
        var writes = _snapshotWrites.Where(t => !t.IsCompleted).ToArray();
        _snapshotWrites.Clear();
        if (writes.Length > 0) await Task.WhenAny(Task.WhenAll(writes), Task.Delay(TimeSpan.FromSeconds(30), time));
    }

    public Task<SubtaskMetrics> GetMetricsAsync()
    {
        var channels = _network?.Channels.ToList() ?? [];
        return Task.FromResult(new SubtaskMetrics(
            _state.ToString().ToUpperInvariant(),
            silo.SiloAddress.ToString(),
            _recordsIn,
            _batchesIn,
            _channelCapacity,
            channels.Count == 0 ? 0 : channels.Max(c => c.HighWaterMark),
            channels.Sum(c => c.Queued),
            _source?.CurrentOffsets.ToDictionary() ?? new Dictionary<string, long>(),
            _deployment?.Attempt ?? 0));
    }

    public Task<IReadOnlyList<KeyedStateEntry>> GetKeyedStateAsync(string operatorUid, string stateName)
    {
        var op = _operators.FirstOrDefault(o => o.Uid == operatorUid) as IKeyedOperator
            ?? throw new ArgumentException($"Subtask {this.GetPrimaryKeyString()} has no keyed operator '{operatorUid}'.");
        var table = op.StateTables.FirstOrDefault(t => t.Name == stateName)
            ?? throw new ArgumentException($"Operator '{operatorUid}' has no state '{stateName}'. It has: {string.Join(", ", op.StateTables.Select(t => t.Name))}.");
        IReadOnlyList<KeyedStateEntry> entries = table.UntypedEntries
            .Select(e => new KeyedStateEntry(e.KeyGroup, e.Key.ToString() ?? "", JsonSerializer.Serialize(e.Value, StateJson)))
            .ToList();
        return Task.FromResult(entries);
    }

    /// <summary>
    /// The synchronous part of a checkpoint: freeze every operator's state and the source offsets,
    /// then put the barrier behind everything emitted so far; the write happens in the background.
    /// </summary>
    private void TakeSnapshot(CheckpointBarrier barrier, TimeSpan alignment, bool forward)
    {
        var deployment = _deployment!;
        var started = Stopwatch.GetTimestamp();
        var staging = new List<Func<CancellationToken, Task>>();
        var captured = _operators.Select(op =>
        {
            switch (op)
            {
                case IKeyedOperator keyed:
                    return new CapturedOperatorState(op.Uid, keyed.KeyGroups, keyed.CaptureState(), null);
                case SourceDriver source:
                    return new CapturedOperatorState(op.Uid, null, [], source.CurrentOffsets.ToDictionary());
                case ISinkOperator sink:
                    var snapshot = sink.SnapshotState(barrier.CheckpointId);
                    if (snapshot.StageAsync is { } stage) staging.Add(stage);
                    return new CapturedOperatorState(op.Uid, null, [], null, snapshot.State);
                default:
                    return new CapturedOperatorState(op.Uid, null, [], null);
            }
        }).ToList();
        if (forward) _network?.FlushAll(barrier);
        var sync = Stopwatch.GetElapsedTime(started);
        var write = WriteAndAcknowledgeAsync(deployment, barrier, captured, staging, sync, alignment);
        _snapshotWrites.RemoveAll(t => t.IsCompleted);
        _snapshotWrites.Add(write);
    }

    private async Task WriteAndAcknowledgeAsync(TaskDeployment deployment, CheckpointBarrier barrier, List<CapturedOperatorState> captured,
        List<Func<CancellationToken, Task>> sinkStaging, TimeSpan sync, TimeSpan alignment)
    {
        var checkpointId = barrier.CheckpointId;
        var coordinator = GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(deployment.JobId.Value);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A savepoint goes to its own directory, which holds everything it needs; a checkpoint to chk-n.
            var location = barrier.Target is { } target
                ? SnapshotLocation.At(target.Location, deployment.Configuration)
                : new SnapshotLocation(_checkpoints!.Store, _checkpoints.Key(CheckpointLayout.CheckpointDirectory(deployment.JobId, checkpointId)), "");
            // Checkpoints are native; a savepoint's state is written in the format it was asked for.
            var formatCodecs = barrier.Target is { } savepoint ? codecs.In(savepoint.Format) : codecs;
            var threshold = _inlineThreshold;
            var cancellation = _cancellation.Token;
            // A sink's pre-committed transaction must be durable before the acknowledgement: once the
            // checkpoint completes, a restore commits it.
            var staged = Task.WhenAll(sinkStaging.Select(stage => Task.Run(() => stage(cancellation), cancellation)));
            // Off the grain's scheduler: the captured state is immutable, so serializing and writing
            // it does not hold up the records this subtask keeps processing.
            // The asynchronous duration ends when the state and the sinks' transactions are durable, as
            // in Flink: measured there, not after this activation got back to its turn (which waits for
            // the batch being processed, and says nothing about the snapshot).
            var (operators, duration) = await Task.Run(async () =>
            {
                var written = await SubtaskSnapshotWriter.WriteAsync(captured, location.Store, location.DirectoryKey,
                    deployment.VertexUid, deployment.SubtaskIndex, threshold, formatCodecs, cancellation);
                await staged;
                return (written, Stopwatch.GetElapsedTime(started));
            }, cancellation);
            var snapshot = new SubtaskSnapshot(deployment.VertexUid, deployment.SubtaskIndex, operators, sync, duration, alignment);
            await coordinator.AcknowledgeAsync(deployment.Attempt, checkpointId, snapshot);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogSnapshotFailed(e, checkpointId, deployment.VertexUid, deployment.SubtaskIndex);
            await DeclineAsync(deployment.Attempt, checkpointId, $"writing the snapshot failed: {e.Message}", true);
        }
    }

    private async Task DeclineAsync(long attempt, long checkpointId, string reason, bool countsAsFailure)
    {
        if (_deployment is null) return;
        try
        {
            await GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(_deployment.JobId.Value)
                .DeclineAsync(attempt, checkpointId, new SubtaskId(_deployment.VertexUid, _deployment.SubtaskIndex), reason, countsAsFailure);
        }
        catch (Exception e)
        {
            LogSnapshotFailed(e, checkpointId, _deployment.VertexUid, _deployment.SubtaskIndex);
        }
    }

    private OutputChannel[] CreateChannels(TaskDeployment deployment, JobEdge edge) => edge.TargetsOf(deployment.SubtaskIndex)
        .Select(target =>
        {
            var key = SubtaskKey.Of(deployment.JobId, edge.Target.Uid, target);
            return new OutputChannel(new SubtaskReceiver(GrainFactory.GetGrain<ISubtaskGrain>(key)), key, edge.Index,
                deployment.SubtaskIndex, deployment.Attempt, _channelCapacity, Fail, _cancellation.Token);
        })
        .ToArray();

    private async Task RunSourceAsync(CancellationToken cancellation)
    {
        var deployment = _deployment!;
        var source = _source!;
        try
        {
            while (!cancellation.IsCancellationRequested && _state == SubtaskState.Running && IsCurrent(deployment))
            {
                if (_endInputRequested)
                {
                    await FinishAsync();
                    return;
                }
                if (_sourceStopped)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellation);
                    continue;
                }
                var status = await source.PollAsync(_batchSize, cancellation);
                if (cancellation.IsCancellationRequested || _state != SubtaskState.Running || !IsCurrent(deployment)) return;
                await AfterBatchAsync();
                if (cancellation.IsCancellationRequested || !IsCurrent(deployment)) return;
                switch (status)
                {
                    case SourcePollStatus.EndOfInput:
                        await FinishAsync();
                        return;
                    case SourcePollStatus.NothingAvailable:
                        await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellation);
                        break;
                    default:
                        // Let calls queued for this activation (checkpoint triggers, cancel, metrics, timer) run between polls.
                        await Task.Yield();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e) when (IsCurrent(deployment))
        {
            Fail(e);
        }
    }

    /// <summary>After each batch: let sinks flush, then wait while any output channel is full (backpressure).</summary>
    private async Task AfterBatchAsync()
    {
        foreach (var op in _operators)
        {
            if (op is ISinkOperator) await op.FlushAsync(FlushReason.BatchEnd);
        }
        if (_network is null) return;
        foreach (var channel in _network.Channels)
        {
            if (!channel.HasCapacity) await channel.WaitForCapacityAsync();
        }
    }

    private async Task FinishAsync()
    {
        if (_finishing) return;
        _finishing = true;
        var deployment = _deployment!;
        var network = _network;
        var operators = _operators;
        foreach (var op in operators) op.EndInput();
        network?.FlushAll(EndOfInput.Instance);
        foreach (var op in operators) await op.FlushAsync(FlushReason.EndOfInput);
        if (network is not null)
        {
            foreach (var channel in network.Channels) await channel.WaitUntilDrainedAsync();
            if (network.Channels.FirstOrDefault(c => c.Failure is not null) is { } failed) throw failed.Failure!;
        }
        if (_state != SubtaskState.Running || !IsCurrent(deployment)) return;
        _state = SubtaskState.Finished;
        CloseOperators();
        // Nothing to flush or fire any more; without the timer the activation can be collected when idle.
        _timer?.Dispose();
        _timer = null;
        await SettleSnapshotWritesAsync();
        _ = ReportAsync(master => master.SubtaskFinishedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex));
    }

    private async Task OnTickAsync(CancellationToken cancellation)
    {
        if (_state != SubtaskState.Running || _finishing || _cancellation.IsCancellationRequested) return;
        KeepCoordinatorAlive();
        try
        {
            _network?.FlushAll(null);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var op in _operators) op.OnProcessingTime(now);
            foreach (var op in _operators)
            {
                if (op is ISinkOperator) await op.FlushAsync(FlushReason.BufferTimeout);
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>
    /// The coordinator's timer lives in its activation: if its silo dies, nothing would call it
    /// again. The first source subtask calls it about once a second, which reactivates it.
    /// </summary>
    private void KeepCoordinatorAlive()
    {
        if (_deployment is not { SubtaskIndex: 0 } deployment || _source is null || !_checkpointingEnabled) return;
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(_lastCoordinatorPing, now) < TimeSpan.FromSeconds(1)) return;
        _lastCoordinatorPing = now;
        _ = GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(deployment.JobId.Value).KeepAliveAsync()
            .ContinueWith(t => LogReportRetry(t.Exception!, deployment.JobId, 0), TaskContinuationOptions.OnlyOnFaulted);
    }

    private void Fail(Exception exception)
    {
        if (_state is SubtaskState.Failed or SubtaskState.Canceled or SubtaskState.Finished || _deployment is null) return;
        _state = SubtaskState.Failed;
        var deployment = _deployment;
        Teardown();
        ReportFailure(exception, deployment);
    }

    private void ReportFailure(Exception exception, TaskDeployment deployment)
    {
        var origin = $"{deployment.VertexUid} subtask {deployment.SubtaskIndex}";
        LogFailed(exception, deployment.JobId, origin);
        var cause = FailureCause.From(exception, origin);
        _ = ReportAsync(master => master.SubtaskFailedAsync(deployment.Attempt, deployment.VertexUid, deployment.SubtaskIndex, cause));
    }

    private async Task ReportAsync(Func<IJobMasterGrain, Task> report)
    {
        var master = GrainFactory.GetGrain<IJobMasterGrain>(_deployment!.JobId.Value);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await report(master);
                return;
            }
            catch (Exception e) when (attempt < 5)
            {
                LogReportRetry(e, _deployment.JobId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time);
            }
        }
    }

    private void Teardown()
    {
        _cancellation.Cancel();
        _aligner?.Abandon();
        _timer?.Dispose();
        _timer = null;
        CloseOperators();
        _operators = new List<IStreamOperator>();
        _input = null;
    }

    /// <summary>Releases the operators' resources; a finished subtask keeps them so its final state can still be queried and checkpointed.</summary>
    private void CloseOperators()
    {
        if (_closed) return;
        _closed = true;
        foreach (var op in _operators)
        {
            try
            {
                op.Close();
            }
            catch (Exception e)
            {
                LogCloseFailed(e, op.Uid);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deployed job {JobId} vertex '{Vertex}' subtask {Subtask} attempt {Attempt}")]
    private partial void LogDeployed(JobId jobId, string vertex, int subtask, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Origin} failed")]
    private partial void LogFailed(Exception exception, JobId jobId, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: reporting to the job manager failed (attempt {Attempt}); retrying")]
    private partial void LogReportRetry(Exception exception, JobId jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: {Origin} stops with the last silo of the cluster")]
    private partial void LogStoppedWithCluster(JobId jobId, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Origin} was deactivated while running ({Reason}); failing over")]
    private partial void LogDeactivatedWhileRunning(JobId jobId, string origin, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the job manager did not confirm the failure report of {Origin} in time ({Reason}); heartbeats find a lost one")]
    private partial void LogDeactivationReportUnconfirmed(JobId jobId, string origin, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing operator {Uid} failed")]
    private partial void LogCloseFailed(Exception exception, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of checkpoint {CheckpointId} by {Vertex} subtask {Subtask} failed")]
    private partial void LogSnapshotFailed(Exception exception, long checkpointId, string vertex, int subtask);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Checkpoint {CheckpointId} complete for {Vertex} subtask {Subtask}")]
    private partial void LogCheckpointComplete(long checkpointId, string vertex, int subtask);
}
