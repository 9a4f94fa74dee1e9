using System.Net.Sockets;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs.Models;

namespace GrainFlow.Storage.AzureBlob;

/// <summary>Classifies Azure SDK failures and turns them into <see cref="ObjectStoreException"/>s an operator can act on.</summary>
internal static class AzureBlobErrors
{
    public static bool IsNotFound(RequestFailedException exception) => exception.Status == 404;

    public static bool IsContainerNotFound(RequestFailedException exception) =>
        exception.Status == 404 && exception.ErrorCode == BlobErrorCode.ContainerNotFound;

    public static bool IsBlobNotFound(RequestFailedException exception) =>
        exception.Status == 404 && exception.ErrorCode != BlobErrorCode.ContainerNotFound;

    /// <summary>412, or the 409 that a create-only upload (If-None-Match: *) gets when the blob exists.</summary>
    public static bool IsPreconditionFailure(RequestFailedException exception) =>
        exception.Status == 412 || (exception.Status == 409 && exception.ErrorCode == BlobErrorCode.BlobAlreadyExists);

    public static bool IsInvalidRange(RequestFailedException exception) => exception.Status == 416;

    /// <summary>
    /// Whether <paramref name="exception"/> is a failure of the storage service or the way to it (as opposed
    /// to a bug or a cancellation the caller asked for).
    /// </summary>
    public static bool IsStorageFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        ObjectStoreException => false,
        RequestFailedException or AggregateException or HttpRequestException or SocketException or IOException
            or TimeoutException or AuthenticationFailedException or CredentialUnavailableException => true,

        // The SDK's per-try network timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static ObjectStoreException ToObjectStoreException(Exception exception, string operation, string? key, string location)
    {
        var what = key is null ? operation : $"{operation} '{key}'";
        var failure = Unwrap(exception);

        if (failure is RequestFailedException conflict && IsPreconditionFailure(conflict))
        {
            return new ObjectStorePreconditionFailedException(key ?? "(unknown key)", location, exception);
        }

        if (failure is AuthenticationFailedException or CredentialUnavailableException)
        {
            return new ObjectStoreException(
                $"Azure Blob storage at {location}: could not get a token to {what}: {FirstLine(failure.Message)} " +
                "Sign in for DefaultAzureCredential (az login, a managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET), or use a connection string.",
                exception);
        }

        if (failure is RequestFailedException { Status: 401 or 403 } denied)
        {
            return new ObjectStoreException(
                $"Azure Blob storage at {location} refused to {what} ({denied.Status} {denied.ErrorCode}): the credential is not allowed to. " +
                "Check the account key or SAS in the connection string, or give the identity the 'Storage Blob Data Contributor' role on the account.",
                exception);
        }

        if (failure is RequestFailedException { Status: > 0 } failed)
        {
            return new ObjectStoreException(
                $"Azure Blob storage at {location} failed to {what}: {failed.Status} {failed.ErrorCode}: {FirstLine(failed.Message)}",
                exception);
        }

        return new ObjectStoreException(
            $"Azure Blob storage at {location} did not answer when trying to {what}: {FirstLine(failure.Message)} " +
            "Check the connection string / that the account is reachable from this machine (for local development: is Azurite running?).",
            exception);
    }

    /// <summary>
    /// The SDK's retry policy throws an AggregateException of every try's failure; the last one says most.
    /// </summary>
    private static Exception Unwrap(Exception exception)
    {
        var current = exception;
        while (current is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            current = aggregate.InnerExceptions[^1];
        }

        return current;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}
