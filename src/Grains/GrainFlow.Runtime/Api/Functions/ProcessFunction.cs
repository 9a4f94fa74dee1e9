namespace GrainFlow.Runtime.Api.Functions;

/// <summary>
/// Flink's ProcessFunction on a stream that is not keyed: called once per record; it emits to the
/// main output through its collector and to side outputs through <see cref="Context.Output{T}"/>.
/// </summary>
public abstract class ProcessFunction<TIn, TOut>
{
    /// <summary>Called once per subtask before any record.</summary>
    public virtual void Open(SubtaskInfo subtask) { }

    public abstract void ProcessElement(TIn value, Context context, ICollector<TOut> output);

    public abstract class Context
    {
        /// <summary>The event-time timestamp of the record being processed, or null when it has none.</summary>
        public abstract long? Timestamp { get; }

        /// <summary>
        /// Emits <paramref name="value"/> to the side output <paramref name="tag"/>, with the timestamp of
        /// the record being processed. A side output that the job never reads drops its records, as in Flink.
        /// </summary>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }
}
