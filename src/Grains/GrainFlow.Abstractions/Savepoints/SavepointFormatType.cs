namespace GrainFlow.Savepoints;

/// <summary>
/// Flink's savepoint formats. Canonical: GrainFlow's documented, backend-independent format (keys and
/// values through each state's portable serializer). Native: the state backend's own snapshot bytes,
/// faster to write and restore but tied to the backend.
/// </summary>
public enum SavepointFormatType
{
    Canonical,
    Native,
}
