using GrainFlow.Configuration;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Hosting;
using Microsoft.Extensions.Configuration;

namespace GrainFlow.Silo.Hosting;

/// <summary>
/// Gathers the silo's Flink-style keys, lowest precedence first: appsettings.json (section
/// "GrainFlow"), application.properties, the GRAINFLOW_PROPERTIES environment variable (one
/// key=value per line, like Flink's FLINK_PROPERTIES), environment variables named
/// GrainFlow__&lt;key&gt;, and finally <c>-D key=value</c> arguments.
/// </summary>
public static class SiloConfigurationLoader
{
    public const string SectionName = "GrainFlow";
    public const string PropertiesVariable = "GRAINFLOW_PROPERTIES";

    /// <summary>Reads -D pairs and --properties from <paramref name="args"/>; other arguments are returned for the caller.</summary>
    /// <param name="warnings">Deprecated keys and values, keys GrainFlow does not know or support, for the silo to print.</param>
    /// <exception cref="ConfigurationValueException">A -D argument, the properties file or a value is malformed.</exception>
    public static GrainFlowConfiguration Load(IConfiguration appConfiguration, IReadOnlyList<string> args, out List<string> remainingArgs, out IReadOnlyList<string> warnings)
    {
        var dynamic = new List<KeyValuePair<string, string>>();
        string? propertiesPath = null;
        remainingArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "-D" && i + 1 < args.Count) dynamic.Add(ParsePair(args[++i], "-D"));
            else if (arg.StartsWith("-D", StringComparison.Ordinal) && arg.Length > 2) dynamic.Add(ParsePair(arg[2..], "-D"));
            else if (arg == "--properties" && i + 1 < args.Count) propertiesPath = args[++i];
            else remainingArgs.Add(arg);
        }

        var layers = new List<KeyValuePair<string, string>>();
        foreach (var child in appConfiguration.GetSection(SectionName).AsEnumerable(makePathsRelative: true))
        {
            if (child.Value is not null) layers.Add(new(child.Key, child.Value));
        }
        var properties = propertiesPath ?? "application.properties";
        if (File.Exists(properties)) layers.AddRange(PropertiesFile.Parse(File.ReadAllText(properties), properties));
        else if (propertiesPath is not null)
        {
            throw new ConfigurationValueException("--properties", propertiesPath, "the path of an existing application.properties file", "the file does not exist");
        }
        if (Environment.GetEnvironmentVariable(PropertiesVariable) is { Length: > 0 } fromEnvironment)
        {
            layers.AddRange(PropertiesFile.Parse(fromEnvironment, PropertiesVariable));
        }
        layers.AddRange(dynamic);
        // Every key the silo reads, so the layers share one spelling before anything checks them.
        var normalized = new ConfigurationNormalizer(GrainFlowOptions.KnownOptions.Concat(GrainFlowSilo.SiloOptions), UnsupportedOptions.All)
            .Normalize(layers).ThrowIfInvalid();
        warnings = normalized.Warnings;
        return new GrainFlowConfiguration(normalized.Values);
    }

    private static KeyValuePair<string, string> ParsePair(string text, string origin)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new ConfigurationValueException(origin, text, "key=value, e.g. -D parallelism.default=2", "the argument has no key=value form");
        }
        return new(text[..equals].Trim(), text[(equals + 1)..].Trim());
    }
}
