namespace GrainFlow.Storage;

/// <summary>
/// Storage refused or failed a request. The message names the key and the store, and says what the
/// operator can do about it (storage down, full, permission denied).
/// </summary>
/// <remarks>Serializable by Orleans, so that it reaches a caller intact when thrown inside a grain call.</remarks>
[GenerateSerializer, Alias("grainflow.ObjectStoreException")]
public class ObjectStoreException : Exception
{
    public ObjectStoreException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>A conditional write or delete found the object in another version than expected.</summary>
[GenerateSerializer, Alias("grainflow.ObjectStorePreconditionFailedException")]
public sealed class ObjectStorePreconditionFailedException : ObjectStoreException
{
    public ObjectStorePreconditionFailedException(string key, string location, Exception? innerException = null)
        : base($"The object '{key}' in {location} was changed or created by someone else; the write was not applied.", innerException)
    {
        Key = key;
    }

    [Id(0)]
    public string Key { get; }
}
