namespace GrainFlow.Runtime.Operators;

/// <summary>
/// The lifecycle every operator of a chain shares. Records flow through <see cref="Api.Functions.ICollector{T}"/>
/// links synchronously; only <see cref="FlushAsync"/> may await (sinks making output durable).
/// </summary>
internal interface IStreamOperator
{
    string Uid { get; }

    string Name { get; }

    void Open(OperatorContext context);

    /// <summary>Every input of the chain has ended; emit whatever is still held.</summary>
    void EndInput();

    /// <summary>
    /// Event time of this operator's input advanced to <paramref name="watermarkMs"/> (never backwards):
    /// fire event-time timers up to it. Called in chain order; records emitted here reach the operators
    /// after this one before their own call, and the watermark follows them downstream.
    /// </summary>
    void ProcessWatermark(long watermarkMs);

    /// <summary>Fires processing-time timers due at <paramref name="nowMs"/>.</summary>
    void OnProcessingTime(long nowMs);

    /// <summary>Pushes buffered output to durable storage (sinks).</summary>
    ValueTask FlushAsync(Sinks.FlushReason reason);

    void Close();
}
