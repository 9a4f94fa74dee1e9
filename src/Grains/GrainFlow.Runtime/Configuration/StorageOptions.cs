using GrainFlow.Configuration;
using Azure.Identity;
using Azure.Storage.Blobs;
using GrainFlow.Storage;
using GrainFlow.Storage.AzureBlob;

namespace GrainFlow.Runtime.Configuration;

public enum StorageType
{
    File,
    AzureBlob,
}

/// <summary>Where GrainFlow keeps its durable data: job records, topics, and later checkpoints.</summary>
public static class StorageOptions
{
    public static readonly ConfigOption<StorageType> Type = ConfigOptions.Key("grainflow.storage.type").EnumType<StorageType>()
        .WithDefault(StorageType.File);

    public static readonly ConfigOption<string> Directory = ConfigOptions.Key("grainflow.storage.dir").StringType()
        .WithDefault(".grainflow/data")
        .WithDescription("The data directory of the file store; relative paths are resolved against the working directory.");

    public static readonly ConfigOption<string> AzureConnectionString = ConfigOptions.Key("grainflow.storage.azure.connection-string").StringType();

    public static readonly ConfigOption<string> AzureServiceUri = ConfigOptions.Key("grainflow.storage.azure.service-uri").StringType()
        .WithCheck(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? null : "the service URI must be an absolute http(s) URL",
            "the blob endpoint, e.g. https://<account>.blob.core.windows.net");

    public static readonly ConfigOption<string> AzureContainer = ConfigOptions.Key("grainflow.storage.azure.container").StringType()
        .WithCheck(c => c.Length is >= 3 and <= 63 && c.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-') ? null : "a container name has 3 to 63 lowercase letters, digits or '-'",
            "a blob container name such as \"grainflow\"")
        .WithDefault("grainflow");

    /// <summary>The container of Orleans' Azure Blob grain storage (job records, the job registry), beside the data container.</summary>
    public static readonly ConfigOption<string> AzureGrainStateContainer = ConfigOptions.Key("grainflow.storage.azure.grain-state-container").StringType()
        .WithCheck(c => AzureBlobObjectStore.IsValidContainerName(c) ? null : "a container name has 3 to 63 lowercase letters, digits or single '-'",
            "a blob container name such as \"grainstate\"")
        .WithDefault("grainstate");

    public static IReadOnlyList<ConfigOption> All { get; } = [Type, Directory, AzureConnectionString, AzureServiceUri, AzureContainer, AzureGrainStateContainer];

    /// <summary>
    /// The Blob service client for <see cref="StorageType.AzureBlob"/>: from the connection string when
    /// one is set, otherwise the service URI signed in with <c>DefaultAzureCredential</c>.
    /// </summary>
    /// <exception cref="ConfigurationValueException">Neither key is set, or the connection string does not parse.</exception>
    public static BlobServiceClient CreateBlobServiceClient(GrainFlowConfiguration configuration)
    {
        var connectionString = configuration.GetOptionalString(AzureConnectionString);
        if (connectionString is not null)
        {
            try
            {
                return AzureBlobObjectStore.CreateServiceClient(connectionString);
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationValueException(AzureConnectionString.Key, "(hidden)", AzureServiceUri.AcceptedForms, e.Message);
            }
        }
        var serviceUri = configuration.GetOptionalString(AzureServiceUri)
            ?? throw new ConfigurationValueException(AzureServiceUri.Key, "", AzureServiceUri.AcceptedForms,
                $"with {Type.Key}=AZURE_BLOB, set {AzureServiceUri.Key} (signs in with DefaultAzureCredential) or {AzureConnectionString.Key}");
        var uri = new Uri(serviceUri);
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ConfigurationValueException(AzureServiceUri.Key, serviceUri, AzureServiceUri.AcceptedForms,
                $"DefaultAzureCredential signs in over https only; use an https URI, or {AzureConnectionString.Key} for an emulator");
        }
        return new BlobServiceClient(uri, new DefaultAzureCredential(), AzureBlobObjectStore.CreateClientOptions());
    }

    /// <summary>Builds the configured store.</summary>
    /// <exception cref="ConfigurationValueException">A key is missing or malformed; the message names it.</exception>
    public static IObjectStore CreateStore(GrainFlowConfiguration configuration)
    {
        switch (configuration.Get(Type))
        {
            case StorageType.File:
                var directory = Path.GetFullPath(configuration.Get(Directory));
                return ObjectStoreFactory.Create(directory);
            default:
                return new AzureBlobObjectStore(CreateBlobServiceClient(configuration), configuration.Get(AzureContainer));
        }
    }
}
