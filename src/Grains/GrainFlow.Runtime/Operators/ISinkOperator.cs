namespace GrainFlow.Runtime.Operators;

/// <summary>Marks operators whose FlushAsync does work (sinks), so the subtask calls it after every batch.</summary>
internal interface ISinkOperator;
