using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Silo.Examples;

/// <summary>
/// <c>word-count</c>: reads lines from a topic, splits them into lower-case words and keeps a
/// running count per word. Bounded by default: it reads what the topic holds when it starts.
/// </summary>
public sealed class WordCountJob : IStreamingJob
{
    public const string Name = "word-count";

    public static readonly ConfigOption<string> Topic = ConfigOptions.Key("topic").StringType().WithDefault("words");

    public static readonly ConfigOption<bool> Bounded = ConfigOptions.Key("bounded").BoolType().WithDefault(true);

    public void Build(StreamExecutionEnvironment env)
    {
        env.FromSource(TopicSource.Text(env.GetParameter(Topic), env.GetParameter(Bounded)), "Topic source").Uid("lines")
            .FlatMap<WordCount>(Tokenize, "Tokenize").Uid("tokenize")
            .KeyBy(w => w.Word)
            .Reduce((a, b) => new WordCount(a.Word, a.Count + b.Count), "Sum").Uid("sum")
            .SinkTo(ExampleSinks.Create<WordCount>(env, "word-counts", c => c.Word), "Sink").Uid("sink");
    }

    public static IEnumerable<WordCount> Tokenize(string line) =>
        line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant())
            .Where(w => w.Length > 0)
            .Select(w => new WordCount(w, 1));
}
