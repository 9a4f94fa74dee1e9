using GrainFlow.Storage;
using GrainFlow.Storage.AzureBlob;
using Orleans;
using Orleans.Runtime;

namespace GrainFlow.Hosting;

/// <summary>Fails silo start-up with a message naming the option to set, instead of failing on the first grain write.</summary>
public sealed class AzureBlobGrainStorageOptionsValidator : IConfigurationValidator
{
    private readonly AzureBlobGrainStorageOptions _options;
    private readonly string _name;

    public AzureBlobGrainStorageOptionsValidator(AzureBlobGrainStorageOptions options, string name)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _name = name ?? throw new ArgumentNullException(nameof(name));
    }

    public void ValidateConfiguration()
    {
        var prefix = $"Grain storage '{_name}' (AddAzureBlobGrainStorage):";
        if (_options.BlobServiceClient is null && string.IsNullOrWhiteSpace(_options.ConnectionString))
        {
            throw new OrleansConfigurationException(
                $"{prefix} no account configured. Set {nameof(AzureBlobGrainStorageOptions)}.{nameof(AzureBlobGrainStorageOptions.BlobServiceClient)} " +
                $"(e.g. new BlobServiceClient(new Uri(\"https://<account>.blob.core.windows.net\"), new DefaultAzureCredential())) " +
                $"or {nameof(AzureBlobGrainStorageOptions)}.{nameof(AzureBlobGrainStorageOptions.ConnectionString)}.");
        }

        if (_options.BlobServiceClient is null)
        {
            try
            {
                AzureBlobObjectStore.CreateServiceClient(_options.ConnectionString!);
            }
            catch (ArgumentException ex)
            {
                throw new OrleansConfigurationException(
                    $"{prefix} {nameof(AzureBlobGrainStorageOptions)}.{nameof(AzureBlobGrainStorageOptions.ConnectionString)} is not a valid Azure Storage connection string. {ex.Message}",
                    ex);
            }
        }

        if (string.IsNullOrWhiteSpace(_options.ContainerName))
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(AzureBlobGrainStorageOptions)}.{nameof(AzureBlobGrainStorageOptions.ContainerName)} is empty. " +
                $"Set it to a container name such as '{AzureBlobGrainStorageOptions.DefaultContainerName}'.");
        }

        if (!AzureBlobObjectStore.IsValidContainerName(_options.ContainerName))
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(AzureBlobGrainStorageOptions)}.{nameof(AzureBlobGrainStorageOptions.ContainerName)} '{_options.ContainerName}' is not a valid container name. " +
                "Use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        try
        {
            ObjectKeys.NormalizeRootPrefix(_options.KeyPrefix);
        }
        catch (ArgumentException ex)
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(AzureBlobGrainStorageOptions)}.{nameof(AzureBlobGrainStorageOptions.KeyPrefix)} is invalid. {ex.Message}", ex);
        }
    }
}
