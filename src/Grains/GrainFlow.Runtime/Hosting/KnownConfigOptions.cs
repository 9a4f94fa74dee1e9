using GrainFlow.Configuration;

namespace GrainFlow.Runtime.Hosting;

/// <summary>
/// A group of configuration keys some part of the silo reads, registered as a service so that
/// submissions are normalised and checked against every key of the process (GrainFlow's runtime
/// registers its own; the silo host adds its cluster and REST keys).
/// </summary>
public sealed record KnownConfigOptions(IReadOnlyList<ConfigOption> Options);
