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

    /// <summary>Fires processing-time timers due at <paramref name="nowMs"/>.</summary>
    void OnProcessingTime(long nowMs);

    /// <summary>Pushes buffered output to durable storage (sinks).</summary>
    ValueTask FlushAsync(Sinks.FlushReason reason);

    void Close();
}
