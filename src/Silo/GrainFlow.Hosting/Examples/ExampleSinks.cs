using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;

namespace GrainFlow.Silo.Examples;

public enum ExampleSinkKind
{
    File,
    Topic,
    Discard,
}

/// <summary>The <c>sink</c>, <c>output</c> and <c>output-topic</c> parameters the example jobs share.</summary>
public static class ExampleSinks
{
    public static readonly ConfigOption<ExampleSinkKind> Sink = ConfigOptions.Key("sink").EnumType<ExampleSinkKind>().WithDefault(ExampleSinkKind.File);

    public static readonly ConfigOption<string> OutputDirectory = ConfigOptions.Key("output").StringType()
        .AsLocation()
        .WithDescription("Directory of the file sink; by default .grainflow/output/<job id>.");

    public static readonly ConfigOption<string> OutputTopic = ConfigOptions.Key("output-topic").StringType();

    /// <summary>Where the file sink of a job writes when no <c>output</c> parameter is given.</summary>
    public static string DefaultOutputDirectory(string jobId) => Path.GetFullPath(Path.Combine(".grainflow", "output", jobId));

    /// <param name="key">The topic record key: all updates of one key land in one partition, in order.</param>
    public static ISink<T> Create<T>(StreamExecutionEnvironment env, string defaultTopic, Func<T, string> key) => env.GetParameter(Sink) switch
    {
        ExampleSinkKind.Discard => new DiscardingSink<T>(),
        ExampleSinkKind.Topic => new TopicSink<T>(env.GetOptionalParameter(OutputTopic) ?? defaultTopic, record => key(record)),
        _ => new FileSink<T>(env.GetOptionalParameter(OutputDirectory) ?? DefaultOutputDirectory(env.JobId)),
    };
}
