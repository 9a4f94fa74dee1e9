using Azure.Data.Tables;
using Azure.Identity;

namespace GrainFlow.Storage.AzureTable;

/// <summary>Table service clients for Orleans' Azure Storage clustering, built the same way by the silo and the CLI.</summary>
public static class AzureTableServiceClients
{
    /// <summary>The forms <see cref="Create"/> accepts, for error messages and help texts.</summary>
    public const string AcceptedForms =
        "the table endpoint 'https://<account>.table.core.windows.net' (signed in with DefaultAzureCredential) " +
        "or an Azure Storage connection string ('DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...', or with TableEndpoint=... for Azurite)";

    /// <summary>A client for an https table endpoint (DefaultAzureCredential) or for a connection string.</summary>
    /// <exception cref="ArgumentException">Neither form; the message never quotes a connection string.</exception>
    public static TableServiceClient Create(string endpointOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointOrConnectionString);
        var text = endpointOrConnectionString.Trim();
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            return uri.Scheme == Uri.UriSchemeHttps
                ? new TableServiceClient(uri, new DefaultAzureCredential())
                : throw new ArgumentException("DefaultAzureCredential signs in over https only; use an https endpoint, or a connection string for an emulator");
        }
        try
        {
            return new TableServiceClient(text);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // Not the SDK's message: it may quote the connection string, key included.
            throw new ArgumentException("the Azure Storage connection string could not be parsed (expected e.g. " +
                "'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net')", ex);
        }
    }
}
