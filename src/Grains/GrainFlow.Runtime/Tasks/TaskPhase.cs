namespace GrainFlow.Runtime.Tasks;

/// <summary>
/// Where a subtask is in its attempt's life, and what that allows. One object instead of a state and
/// flags that could contradict each other:
/// <code>
/// IDLE ─Deployed─► DEPLOYED ─Start / input─► RUNNING ─TryBeginFinishing─► (finishing) ─TryFinish─► FINISHED
///                  DEPLOYED, RUNNING ─TryFail─► FAILED      DEPLOYED, RUNNING ─Cancel─► CANCELED
/// </code>
/// FINISHED, FAILED and CANCELED are final for the attempt; the next attempt's <see cref="Deployed"/>
/// starts over. <see cref="Release"/> (the job manager let go of the attempt), <see cref="StopSource"/>
/// (stop with a savepoint) and <see cref="RequestEndInput"/> (stop with drain) only ever switch on.
/// </summary>
internal sealed class TaskPhase
{
    private enum State { Idle, Deployed, Running, Finished, Failed, Canceled }

    private State _state = State.Idle;

    /// <summary>The phase as metrics and decline reasons name it (IDLE, DEPLOYED, RUNNING, FINISHED, FAILED, CANCELED).</summary>
    public string Name => _state.ToString().ToUpperInvariant();

    /// <summary>Deployed or running: the attempt takes input and checkpoint barriers.</summary>
    public bool IsActive => _state is State.Deployed or State.Running;

    /// <summary>Records may be processed.</summary>
    public bool CanProcess => _state == State.Running;

    /// <summary>Every input ended and the operators have taken the end of input (the final checkpoint may still come).</summary>
    public bool IsFinished => _state == State.Finished;

    /// <summary>The end of input is being processed: nothing is flushed or fired by the timer any more, and a source emits no barrier.</summary>
    public bool IsFinishing { get; private set; }

    /// <summary>Processing-time work (buffer timeout, timers) may run.</summary>
    public bool CanTick => CanProcess && !IsFinishing;

    /// <summary>The job manager let go of this attempt: no snapshot is started any more.</summary>
    public bool IsReleased { get; private set; }

    /// <summary>Stop with a savepoint: the source emits nothing after the savepoint's barrier.</summary>
    public bool IsSourceStopped { get; private set; }

    /// <summary>Stop with drain: the source ends its input at its next poll.</summary>
    public bool IsEndInputRequested { get; private set; }

    /// <summary>A new attempt is deployed: everything the previous one switched on starts over.</summary>
    public void Deployed()
    {
        _state = State.Deployed;
        IsFinishing = false;
        IsReleased = false;
        IsSourceStopped = false;
        IsEndInputRequested = false;
    }

    /// <summary>The job manager starts the attempt; false when it is not waiting to start (already running, or over).</summary>
    public bool TryStart()
    {
        if (_state != State.Deployed) return false;
        _state = State.Running;
        return true;
    }

    /// <summary>
    /// Input arrived: a deployed attempt runs from now on (its upstream started before its start call
    /// came). False when the attempt is over, and the input must be dropped.
    /// </summary>
    public bool TryRunOnInput()
    {
        if (!IsActive) return false;
        _state = State.Running;
        return true;
    }

    /// <summary>Once per attempt: true for the caller that ends the input, false for every later one.</summary>
    public bool TryBeginFinishing()
    {
        if (IsFinishing) return false;
        IsFinishing = true;
        return true;
    }

    /// <summary>The end of input went through and out: a running attempt is finished. False when it failed or was cancelled meanwhile.</summary>
    public bool TryFinish()
    {
        if (_state != State.Running) return false;
        _state = State.Finished;
        return true;
    }

    /// <summary>A failure ends the attempt, unless it is over already; true when this call ended it (and must report it).</summary>
    public bool TryFail()
    {
        if (_state is State.Failed or State.Canceled or State.Finished) return false;
        _state = State.Failed;
        return true;
    }

    /// <summary>The job manager cancels the attempt: an active one is cancelled; a finished or failed one stays as it is.</summary>
    public void Cancel()
    {
        if (IsActive) _state = State.Canceled;
    }

    public void Release() => IsReleased = true;

    public void StopSource() => IsSourceStopped = true;

    public void RequestEndInput() => IsEndInputRequested = true;
}
