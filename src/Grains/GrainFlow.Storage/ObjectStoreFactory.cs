using Azure.Identity;
using Azure.Storage.Blobs;
using GrainFlow.Storage.AzureBlob;
using GrainFlow.Storage.FileSystem;

namespace GrainFlow.Storage;

/// <summary>Builds an <see cref="IObjectStore"/> from a location string, as given on a command line or in configuration.</summary>
public static class ObjectStoreFactory
{
    /// <summary>The location forms <see cref="Create"/> accepts, for error messages and help texts.</summary>
    public const string AcceptedForms =
        "'file:///absolute/path', an absolute path such as '/var/lib/grainflow', " +
        "'https://<account>.blob.core.windows.net/<container>[/<folder>]' (signed in with DefaultAzureCredential, or with the connection string when one is given), " +
        "'http(s)://<host>/<account>/<container>[/<folder>]' or 'azblob://<container>[/<folder>]' together with an Azure Storage connection string (e.g. Azurite)";

    /// <summary>
    /// Creates the store a location names.
    /// </summary>
    /// <param name="location">See <see cref="AcceptedForms"/>.</param>
    /// <param name="azureConnectionString">
    /// When given, blob locations use this account (it takes precedence over the account in an http(s)
    /// URL, whose path then only names the container and folder). Required for <c>azblob://</c>.
    /// </param>
    /// <exception cref="ArgumentException">The location (or connection string) is not in an accepted form.</exception>
    public static IObjectStore Create(string location, string? azureConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        var trimmed = location.Trim();
        if (trimmed.Length == 0)
        {
            throw Invalid(location, "it is empty");
        }

        if (Path.IsPathFullyQualified(trimmed) && !trimmed.Contains("://", StringComparison.Ordinal))
        {
            return new FileSystemObjectStore(trimmed);
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri))
        {
            throw Invalid(location, "it is neither an absolute path nor a URL");
        }

        var connectionString = string.IsNullOrWhiteSpace(azureConnectionString) ? null : azureConnectionString;
        switch (uri.Scheme)
        {
            case "file":
                if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                {
                    throw Invalid(location, "a file URL cannot have a query or fragment");
                }

                return new FileSystemObjectStore(uri.LocalPath);

            case "azblob":
                if (connectionString is null)
                {
                    throw Invalid(location, "azblob:// locations need an Azure Storage connection string");
                }

                return new AzureBlobObjectStore(
                    AzureBlobObjectStore.CreateServiceClient(connectionString),
                    ContainerNameOrThrow(location, uri.Host),
                    FolderOrNull(location, Uri.UnescapeDataString(uri.AbsolutePath)));

            case "https":
            case "http":
                return CreateFromBlobUrl(location, uri, connectionString);

            default:
                throw Invalid(location, $"the scheme '{uri.Scheme}' is not supported");
        }
    }

    /// <summary>
    /// Why <see cref="Create"/> would refuse <paramref name="location"/> (the reason alone, without the
    /// location or the accepted forms), or null when it opens; nothing is read or written.
    /// </summary>
    public static string? LocationProblem(string location, string? azureConnectionString = null)
    {
        try
        {
            _ = Create(location, azureConnectionString);
            return null;
        }
        catch (InvalidLocationException e)
        {
            return e.Reason;
        }
        catch (ArgumentException e)
        {
            return e.Message; // e.g. a connection string that does not parse (its text is never in the message)
        }
    }

    private static AzureBlobObjectStore CreateFromBlobUrl(string location, Uri uri, string? connectionString)
    {
        // BlobUriBuilder knows both URL styles: <account>.blob.core.windows.net/<container> and the
        // emulator's <host>:<port>/<account>/<container>.
        var builder = new BlobUriBuilder(uri);
        var container = ContainerNameOrThrow(location, builder.BlobContainerName);
        var folder = FolderOrNull(location, builder.BlobName);

        if (connectionString is not null)
        {
            return new AzureBlobObjectStore(AzureBlobObjectStore.CreateServiceClient(connectionString), container, folder);
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid(location, "plain http blob URLs carry no credentials; pass the (Azurite) connection string as well");
        }

        var hasSas = builder.Sas is not null;
        builder.BlobContainerName = string.Empty;
        builder.BlobName = string.Empty;
        var serviceUri = builder.ToUri();
        var service = hasSas
            ? new BlobServiceClient(serviceUri, AzureBlobObjectStore.CreateClientOptions())
            : new BlobServiceClient(serviceUri, new DefaultAzureCredential(), AzureBlobObjectStore.CreateClientOptions());
        return new AzureBlobObjectStore(service, container, folder);
    }

    private static string ContainerNameOrThrow(string location, string? container)
    {
        if (string.IsNullOrEmpty(container))
        {
            throw Invalid(location, "it names no container");
        }

        if (!AzureBlobObjectStore.IsValidContainerName(container))
        {
            throw Invalid(location, $"'{container}' is not a valid container name (3-63 lowercase letters, digits and single hyphens)");
        }

        return container;
    }

    private static string? FolderOrNull(string location, string? path)
    {
        var folder = path?.Trim('/');
        if (string.IsNullOrEmpty(folder))
        {
            return null;
        }

        var problem = ObjectKeys.FindRootPrefixProblem(folder);
        if (problem is not null)
        {
            throw Invalid(location, $"the folder '{folder}' is not usable: {problem}");
        }

        return folder;
    }

    private static InvalidLocationException Invalid(string location, string reason) =>
        new($"Invalid object store location '{Redact(location)}': {reason}. Accepted forms: {AcceptedForms}.", reason);

    // A SAS token in the query is a secret: keep it out of messages and logs.
    private static string Redact(string location)
    {
        var query = location.IndexOf('?');
        return query < 0 ? location : location[..query] + "?<redacted>";
    }
}
