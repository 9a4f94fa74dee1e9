namespace GrainFlow.Configuration;

/// <summary>
/// A Flink key GrainFlow recognises but does not implement (yet). Setting it to anything but
/// <see cref="SupportedValue"/> has no effect, so a submission carrying it gets a warning saying so.
/// </summary>
/// <param name="Keys">The key and its aliases.</param>
/// <param name="SupportedValue">The one value that matches what GrainFlow does (e.g. "false" for unaligned checkpoints), or null when any value is ignored.</param>
/// <param name="Reason">What GrainFlow does instead, for the warning.</param>
public sealed record UnsupportedOption(IReadOnlyList<string> Keys, string? SupportedValue, string Reason);
