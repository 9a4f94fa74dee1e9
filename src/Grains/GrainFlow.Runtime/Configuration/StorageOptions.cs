using GrainFlow.Configuration;
using GrainFlow.Storage;

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

    public static IReadOnlyList<ConfigOption> All { get; } = [Type, Directory, AzureConnectionString, AzureServiceUri, AzureContainer];

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
                var container = configuration.Get(AzureContainer);
                var connectionString = configuration.GetOptionalString(AzureConnectionString);
                var serviceUri = configuration.GetOptionalString(AzureServiceUri);
                if (connectionString is null && serviceUri is null)
                {
                    throw new ConfigurationValueException(AzureServiceUri.Key, "", AzureServiceUri.AcceptedForms,
                        $"with {Type.Key}=AZURE_BLOB, set {AzureServiceUri.Key} (signs in with DefaultAzureCredential) or {AzureConnectionString.Key}");
                }
                try
                {
                    return connectionString is not null
                        ? ObjectStoreFactory.Create($"azblob://{container}", connectionString)
                        : ObjectStoreFactory.Create($"{serviceUri!.TrimEnd('/')}/{container}");
                }
                catch (ArgumentException e)
                {
                    throw new ConfigurationValueException(connectionString is not null ? AzureConnectionString.Key : AzureServiceUri.Key,
                        connectionString is not null ? "(hidden)" : serviceUri!, AzureServiceUri.AcceptedForms, e.Message);
                }
        }
    }
}
