namespace GrainFlow.Storage;

/// <summary>
/// Storage refused or failed a request. The message names the key and the store, and says what the
/// operator can do about it (storage down, full, permission denied).
/// </summary>
public class ObjectStoreException : Exception
{
    public ObjectStoreException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>A conditional write or delete found the object in another version than expected.</summary>
public sealed class ObjectStorePreconditionFailedException : ObjectStoreException
{
    public ObjectStorePreconditionFailedException(string key, string location, Exception? innerException = null)
        : base($"The object '{key}' in {location} was changed or created by someone else; the write was not applied.", innerException)
    {
        Key = key;
    }

    public string Key { get; }
}
