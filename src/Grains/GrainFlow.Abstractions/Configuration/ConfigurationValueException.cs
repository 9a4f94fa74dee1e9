using GrainFlow.Errors;

namespace GrainFlow.Configuration;

/// <summary>A configuration value could not be used. The message names the key, the value and the accepted forms.</summary>
[GenerateSerializer, Alias("grainflow.ConfigurationValueException")]
public sealed class ConfigurationValueException : GrainFlowException
{
    public ConfigurationValueException(string key, string value, string acceptedForms, string problem)
        : base($"Invalid value '{value}' for configuration key '{key}': {problem.TrimEnd('.')}. Accepted: {acceptedForms}.")
    {
        Key = key;
    }

    /// <summary>Several invalid values at once, one message per line.</summary>
    public ConfigurationValueException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        Key = "";
    }

    [Id(0)]
    public string Key { get; private set; }
}
