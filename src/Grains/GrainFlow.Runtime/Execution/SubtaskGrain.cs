using System.Diagnostics;
using System.Text.Json;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Diagnostics;
using GrainFlow.Runtime.Graph;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Tasks;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Execution;

/// <summary>
/// Runs one subtask: the chained operators of one vertex for one subtask index. A thin Orleans adapter
/// over the plain classes in <see cref="Tasks"/>: <see cref="OperatorChain"/> (the operators),
/// <see cref="CheckpointedInputGate"/> (input channels and barrier alignment), <see cref="SourceLoop"/>,
/// <see cref="SubtaskCheckpointCoordinator"/> (the task side of checkpoints) and <see cref="TaskPhase"/>;
/// this grain takes the calls, runs the timer, looks up other grains, reports and logs. Reentrant so
/// that its input channels, its timer and control calls interleave at await points; all record
/// processing is synchronous, so an interleaving never splits a batch.
/// </summary>
[Reentrant]
[SubtaskPlacement]
// Its running state lives in memory and cannot move: Orleans must not migrate it (rebalancing, or a
// silo's shutdown, which would look for another silo even when none is left); a lost activation fails over through the job manager.
[Orleans.Placement.Immovable]
internal sealed partial class SubtaskGrain(
    JobCatalog catalog, IServiceProvider services, GrainFlowStores stores, StateCodecs codecs, TimeProvider time, ILocalSiloDetails silo,
    ClusterShutdown shutdown, MetricRegistry metrics, ILogger<SubtaskGrain> logger)
    : Grain, ISubtaskGrain
{
    private static readonly JsonSerializerOptions StateJson = new() { IncludeFields = true };

    private readonly TaskPhase _phase = new();
    private TaskDeployment? _deployment;
    // The newest attempt this grain was asked to deploy or cancel: older requests that arrive late are ignored.
    private long _newestAttempt;
    // The running attempt's operators; null once it was torn down (a finished attempt keeps them, so
    // its final state can still be queried, checkpointed and committed).
    private OperatorChain? _chain;
    private CheckpointedInputGate? _input;
    // The running attempt's figures (registered for the exporters until the activation goes).
    private SubtaskMetricGroup? _metrics;
    private SubtaskCheckpointCoordinator? _checkpointing;
    private IGrainTimer? _timer;
    private IGrainTimer? _watermarkTimer;
    private CancellationTokenSource _cancellation = new();
    private int _batchSize;
    private int _channelCapacity;
    private bool _checkpointingEnabled;
    private long _lastCoordinatorPing;
    // Where the job keeps local copies of RocksDB checkpoints on this silo (local recovery); deleted when the job ends.
    private State.RocksDb.LocalRecoveryConfig? _localRecovery;

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
        var localRecovery = State.RocksDb.LocalRecoveryConfig.For(configuration, deployment.JobId);
        var restore = deployment.Restore is { } point
            ? (await SubtaskStateRestorer.LoadAsync(CheckpointStorage.OnStore(checkpoints.StoreFor(point.StoreLocation, configuration)), point.DirectoryKey, point.ExternalPath,
                vertex.Chain.Select(n => (n.Uid, n.IsKeyed)), deployment.SubtaskIndex, vertex.Parallelism, keyGroups, codecs, configuration, localRecovery, logger,
                CancellationToken.None)).Operators
            : null;
        if (deployment.Attempt != _newestAttempt)
        {
            // A newer attempt was deployed or cancelled meanwhile: what was downloaded for this one goes.
            ReleaseUnopened(restore);
            return;
        }

        Teardown();
        _deployment = deployment;
        _localRecovery = localRecovery;
        // A graceful stop of the whole cluster ends the attempt's work here: it resumes from its latest checkpoint later.
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(shutdown.LastSiloStopping);
        var cancellation = _cancellation.Token;
        _batchSize = configuration.Get(PipelineOptions.BatchSize);
        _channelCapacity = configuration.Get(PipelineOptions.ChannelCapacity);
        _checkpointingEnabled = CheckpointingOptions.IsEnabled(configuration);

        _metrics = new SubtaskMetricGroup(deployment.JobId.Value, deployment.JobName, vertex.Uid, vertex.Name, deployment.SubtaskIndex, deployment.Attempt);
        metrics.Register(GrainContext, _metrics);
        // One timestamp slot per chain: the input sets it per record, the edge writers read it.
        var timestamp = new RecordTimestamp();
        var chain = OperatorChain.Create(vertex, deployment.SubtaskIndex, _batchSize, graph.MaxParallelism, timestamp,
            edge => CreateChannels(deployment, edge, cancellation), _metrics);
        _chain = chain;
        _input = new CheckpointedInputGate(
            new InputGate(deployment.Attempt, vertex.Inputs.Select(e => (e.Index, e.SendersPerTarget))),
            new BarrierAligner(configuration.Get(CheckpointingOptions.Mode), time),
            new StatusWatermarkValve(vertex.Inputs.Select(e => (e.Index, e.SendersPerTarget))),
            CheckpointedInputGate.DefaultAlignmentHoldTime, time, _metrics);
        _checkpointing = new SubtaskCheckpointCoordinator(deployment, chain, checkpoints, codecs, configuration.Get(CheckpointingOptions.InlineThreshold),
            new CoordinatorGrainResponder(GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(deployment.JobId.Value)), time, logger, cancellation,
            _checkpointing?.WritesInFlight);
        try
        {
            chain.Open(new OperatorContext(deployment.JobId, deployment.JobName, deployment.Attempt, vertex.Uid, deployment.SubtaskIndex,
                vertex.Parallelism, graph.MaxParallelism, configuration, services, time, logger) { Timestamp = timestamp }, restore);
        }
        finally
        {
            // The backends took what was downloaded for them; an operator that failed to open leaves its downloads to delete.
            ReleaseUnopened(restore);
        }
        // Before any record: sinks commit what the restored checkpoint pre-committed and abort the rest.
        // No record or barrier of this attempt arrives meanwhile: the job manager starts it after every deployment returned.
        await chain.InitializeStateAsync(cancellation);
        if (!IsCurrent(deployment) || cancellation.IsCancellationRequested) return;
        var tick = configuration.Get(PipelineOptions.BufferTimeout);
        _timer = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions { DueTime = tick, Period = tick, KeepAlive = true, Interleave = true });
        var watermarkInterval = configuration.Get(PipelineOptions.AutoWatermarkInterval);
        if (chain.HasWatermarkEmitters && watermarkInterval > TimeSpan.Zero)
        {
            _watermarkTimer = this.RegisterGrainTimer(OnWatermarkIntervalAsync,
                new GrainTimerCreationOptions { DueTime = watermarkInterval, Period = watermarkInterval, KeepAlive = true, Interleave = true });
        }
        _phase.Deployed();
        LogDeployed(deployment.JobId, vertex.Name, deployment.SubtaskIndex, deployment.Attempt);
    }

    private static void ReleaseUnopened(Dictionary<string, OperatorRestore>? restore)
    {
        foreach (var operatorRestore in restore?.Values.ToList() ?? []) operatorRestore.Dispose();
    }

    /// <summary>
    /// An activation going away while its attempt runs takes its in-memory state with it (Orleans
    /// collected or migrated it, or its silo shuts down): report that as a failure, so the job
    /// restarts from the latest checkpoint instead of going on without that state.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_deployment is not { } deployment || _phase.IsReleased || !_phase.IsActive)
        {
            // Nothing running to report; what a finished chain's operators hold outside the heap goes with the activation.
            ReleaseChain();
            return;
        }
        _phase.TryFail();
        Teardown();
        if (shutdown.LastSiloStopping.IsCancellationRequested)
        {
            // The whole cluster stops: there is nowhere to fail over to, and the job resumes from its latest checkpoint later.
            LogStoppedWithCluster(deployment.JobId, ReporterFor(deployment).Origin);
            return;
        }
        await ReporterFor(deployment).ReportDeactivatedAsync(reason, cancellationToken);
    }

    public Task StartAsync(long attempt)
    {
        if (_deployment?.Attempt != attempt || !_phase.TryStart()) return Task.CompletedTask;
        if (_chain?.Source is not null) _ = RunSourceAsync(_deployment, _chain, _cancellation.Token);
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
        if (_input is not { } input || _chain is not { } chain || batch.Value.Attempt != _deployment.Attempt || !_phase.IsActive) return BatchDelivery.Accepted;
        var deployment = _deployment;
        if (!await input.WaitForAlignmentAsync(batch.Value)) return BatchDelivery.HeldBackByAlignment;
        if (!IsCurrent(deployment) || !_phase.TryRunOnInput()) return BatchDelivery.Accepted;
        var figures = _metrics!;
        var busyStart = Stopwatch.GetTimestamp();
        var backPressuredBefore = figures.BackPressuredTicks;
        try
        {
            await foreach (var step in input.OfferAsync(batch.Value))
            {
                if (!_phase.CanProcess || !IsCurrent(deployment)) return BatchDelivery.Accepted;
                switch (step)
                {
                    case RecordsStep records:
                        chain.ProcessRecords(records.Batch);
                        // What a timestamp assigner in the chain emitted while the records went through.
                        chain.Watermarks.ForwardEmitted();
                        break;
                    case ControlEventStep control:
                        // The input watermark advanced or its status changed: through the chain, then downstream.
                        if (control.Event is Watermark watermark) figures.SetInputWatermark(watermark.TimestampMs);
                        chain.Watermarks.ForwardInput([control.Event]);
                        break;
                    case BarrierAlignedStep aligned:
                        figures.SetAlignment(aligned.Alignment);
                        _checkpointing!.CheckpointState(aligned.Barrier, aligned.Alignment, forward: true);
                        break;
                    case AllInputEndedStep:
                        await FinishAsync(deployment, chain);
                        return BatchDelivery.Accepted;
                }
            }
            await chain.AfterBatchAsync();
        }
        catch (Exception e) when (IsCurrent(deployment))
        {
            Fail(e);
        }
        finally
        {
            figures.AddBusySince(busyStart, backPressuredBefore);
        }
        return BatchDelivery.Accepted;
    }

    /// <summary>True while <paramref name="deployment"/> is the attempt this activation runs (async flows check it after every await).</summary>
    private bool IsCurrent(TaskDeployment deployment) => ReferenceEquals(_deployment, deployment);

    public Task TriggerCheckpointAsync(long attempt, CheckpointBarrier barrier)
    {
        if (_checkpointing is not { } checkpointing) return Task.CompletedTask;
        if (_deployment!.Attempt != attempt) return checkpointing.DeclineAsync(attempt, barrier.CheckpointId, "the subtask runs another attempt", false);
        if (_phase.IsReleased) return checkpointing.DeclineAsync(attempt, barrier.CheckpointId, "the job is ending", false);
        if (_phase.IsActive && _chain?.Source is not null)
        {
            // Between two polls of the source loop: every record before this point is before the barrier.
            // A source already past its last record has sent end-of-input instead of barriers: its
            // final offsets are its state, and its consumers no longer wait for it.
            checkpointing.CheckpointState(barrier, TimeSpan.Zero, forward: !_phase.IsFinishing);
            if (barrier.StopSources) _phase.StopSource();
            return Task.CompletedTask;
        }
        if (_phase.IsFinished)
        {
            checkpointing.CheckpointState(barrier, TimeSpan.Zero, forward: false);
            return Task.CompletedTask;
        }
        return checkpointing.DeclineAsync(attempt, barrier.CheckpointId, $"the subtask is {_phase.Name}", false);
    }

    public Task EndInputAsync(long attempt)
    {
        if (_deployment?.Attempt == attempt && _chain?.Source is not null) _phase.RequestEndInput();
        return Task.CompletedTask;
    }

    public async Task NotifyCheckpointCompleteAsync(long attempt, long checkpointId)
    {
        if (_deployment is not { } deployment || deployment.Attempt != attempt || _chain is null) return;
        // Sinks commit before this call returns: the coordinator waits for that before the job may finish.
        try
        {
            await _checkpointing!.NotifyCheckpointCompleteAsync(checkpointId);
        }
        catch (Exception e) when (FailureCause.IsNonRecoverable(e))
        {
            // Output of a completed checkpoint is lost: the job fails, also when this subtask had
            // finished (then its final commit is what failed, and the job must not end FINISHED).
            if (_phase.IsFinished) _ = ReporterFor(deployment).ReportFailureAsync(e);
            else Fail(e);
        }
    }

    public async Task CancelAsync(long attempt, bool jobEnds)
    {
        _newestAttempt = Math.Max(_newestAttempt, attempt);
        if (_deployment is null || _deployment.Attempt > attempt) return;
        _phase.Release();
        // A finished attempt's final state stays queryable until the activation is collected.
        if (!_phase.IsFinished)
        {
            _phase.Cancel();
            Teardown();
        }
        await SettleSnapshotWritesAsync();
        // Once no snapshot of this subtask can store one any more; a restart keeps them for the next attempt.
        if (jobEnds) _localRecovery?.DiscardJob();
        // No DeactivateOnIdle: the next attempt is deployed on this same grain, and a deactivation
        // racing with that deployment would leave the new attempt's batches to an empty activation.
        // With its timer gone, an idle activation is collected by Orleans in the usual way.
    }

    private Task SettleSnapshotWritesAsync() => _checkpointing?.SettleWritesAsync() ?? Task.CompletedTask;

    public Task<SubtaskMetrics> GetMetricsAsync() => Task.FromResult(Figures());

    private SubtaskMetrics Figures()
    {
        var channels = _chain?.Channels.ToList() ?? [];
        var figures = _metrics;
        return new SubtaskMetrics(
            _phase.Name,
            silo.SiloAddress.ToString(),
            figures?.RecordsIn ?? 0,
            _input?.BatchesIn ?? 0,
            _channelCapacity,
            channels.Count == 0 ? 0 : channels.Max(c => c.HighWaterMark),
            channels.Sum(c => c.Queued),
            _chain?.Source?.CurrentOffsets.ToDictionary() ?? new Dictionary<string, long>(),
            _deployment?.Attempt ?? 0,
            figures?.RecordsOut ?? 0,
            figures?.BusyTime ?? TimeSpan.Zero,
            figures?.BackPressuredTime ?? TimeSpan.Zero,
            figures?.IdleTime ?? TimeSpan.Zero,
            figures?.BusyTimeMsPerSecond() ?? 0,
            figures?.BackPressuredTimeMsPerSecond() ?? 0,
            figures?.IdleTimeMsPerSecond() ?? 0);
    }

    public Task<IReadOnlyList<KeyedStateEntry>> GetKeyedStateAsync(string operatorUid, string stateName)
    {
        var op = _chain?.Find(operatorUid) as IKeyedOperator
            ?? throw new ArgumentException($"Subtask {this.GetPrimaryKeyString()} has no keyed operator '{operatorUid}'.");
        var table = op.StateTables.FirstOrDefault(t => t.Name == stateName)
            ?? throw new ArgumentException($"Operator '{operatorUid}' has no state '{stateName}'. It has: {string.Join(", ", op.StateTables.Select(t => t.Name))}.");
        IReadOnlyList<KeyedStateEntry> entries = table.UntypedEntries
            .Select(e => new KeyedStateEntry(e.KeyGroup, e.Key.ToString() ?? "", JsonSerializer.Serialize(e.Value, StateJson)))
            .ToList();
        return Task.FromResult(entries);
    }

    private OutputChannel[] CreateChannels(TaskDeployment deployment, JobEdge edge, CancellationToken cancellation) => edge.TargetsOf(deployment.SubtaskIndex)
        .Select(target =>
        {
            var key = SubtaskKey.Of(deployment.JobId, edge.Target.Uid, target);
            return new OutputChannel(new SubtaskReceiver(GrainFactory.GetGrain<ISubtaskGrain>(key)), key, edge.Index,
                deployment.SubtaskIndex, deployment.Attempt, _channelCapacity, Fail, cancellation, _metrics);
        })
        .ToArray();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deployed job {JobId} vertex '{Vertex}' subtask {Subtask} attempt {Attempt}")]
    private partial void LogDeployed(JobId jobId, string vertex, int subtask, long attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: {Origin} stops with the last silo of the cluster")]
    private partial void LogStoppedWithCluster(JobId jobId, string origin);
}
