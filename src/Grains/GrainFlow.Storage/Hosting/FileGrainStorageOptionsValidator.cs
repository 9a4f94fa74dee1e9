using Orleans;
using Orleans.Runtime;

namespace GrainFlow.Hosting;

/// <summary>Fails silo start-up with a message naming the option to set.</summary>
public sealed class FileGrainStorageOptionsValidator : IConfigurationValidator
{
    private readonly FileGrainStorageOptions _options;
    private readonly string _name;

    public FileGrainStorageOptionsValidator(FileGrainStorageOptions options, string name)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _name = name ?? throw new ArgumentNullException(nameof(name));
    }

    public void ValidateConfiguration()
    {
        var prefix = $"Grain storage '{_name}' (AddFileGrainStorage):";
        if (string.IsNullOrWhiteSpace(_options.RootDirectory))
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(FileGrainStorageOptions)}.{nameof(FileGrainStorageOptions.RootDirectory)} is not set. " +
                "Set it to the directory that should hold grain states, e.g. '/var/lib/grainflow/grainstate'.");
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(_options.RootDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(FileGrainStorageOptions)}.{nameof(FileGrainStorageOptions.RootDirectory)} '{_options.RootDirectory}' is not a valid path: {ex.Message}", ex);
        }

        if (File.Exists(fullPath))
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(FileGrainStorageOptions)}.{nameof(FileGrainStorageOptions.RootDirectory)} '{fullPath}' is a file, not a directory. Point it at a directory.");
        }
    }
}
