namespace GrainFlow.Storage;

/// <summary>A location <see cref="ObjectStoreFactory.Create"/> cannot open; <see cref="Reason"/> says why in a few words.</summary>
public sealed class InvalidLocationException(string message, string reason) : ArgumentException(message)
{
    public string Reason { get; } = reason;
}
