using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Time;
using GrainFlow.Runtime.Api.Windowing;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// <c>user-sessions</c>, seed 000's scenario: page views (JSON lines on a topic) are grouped per user
/// into event-time sessions that close after <c>session-gap</c> without a view; each closed session's
/// features go to the output topic, exactly once with checkpoints (two-phase commit). Watermarks are
/// made per topic partition (bounded out-of-orderness), and a partition without views for
/// <c>watermark.idleness</c> stops holding the sessions back.
/// </summary>
public sealed class UserSessionsJob : IStreamingJob
{
    public const string Name = "user-sessions";

    public static readonly ConfigOption<string> Topic = ConfigOptions.Key("topic").StringType().WithDefault("user-events")
        .WithDescription("The topic of page views (JSON lines: userId, page, timestamp in epoch milliseconds).");

    public static readonly ConfigOption<string> OutputTopic = ConfigOptions.Key("output-topic").StringType().WithDefault("session-features")
        .WithDescription("Where one JSON line per closed session goes.");

    public static readonly ConfigOption<string> InvalidTopic = ConfigOptions.Key("invalid-topic").StringType().WithDefault("user-events-invalid")
        .WithDescription("Where lines that are not page views go, with the reason.");

    public static readonly ConfigOption<TimeSpan> OutOfOrderness = ConfigOptions.Key("watermark.out-of-orderness").DurationType()
        .WithCheck(d => d >= TimeSpan.Zero ? null : "the out-of-orderness must not be negative").WithDefault(TimeSpan.FromSeconds(5));

    public static readonly ConfigOption<TimeSpan> Idleness = ConfigOptions.Key("watermark.idleness").DurationType()
        .WithCheck(d => d > TimeSpan.Zero ? null : "the idle timeout must be positive").WithDefault(TimeSpan.FromSeconds(30));

    public static readonly ConfigOption<TimeSpan> SessionGap = ConfigOptions.Key("session-gap").DurationType()
        .WithCheck(d => d > TimeSpan.Zero ? null : "the session gap must be positive").WithDefault(TimeSpan.FromMinutes(10));

    public static readonly ConfigOption<UserSessionsSource> Source = ConfigOptions.Key("source").EnumType<UserSessionsSource>().WithDefault(UserSessionsSource.Topic)
        .WithDescription("topic: read the topic as it grows; generator: made-up page views (see the generator.* keys).");

    public static readonly ConfigOption<bool> DiscardOutput = ConfigOptions.Key("discard-output").BoolType().WithDefault(false)
        .WithDescription("Drop the sessions instead of writing them (benchmarks).");

    public void Build(StreamExecutionEnvironment env)
    {
        var watermarks = WatermarkStrategy<ParsedUserEvent>.ForBoundedOutOfOrderness(env.GetParameter(OutOfOrderness))
            // A line that is not an event has no event time. Its publish time would be the wall clock: far ahead of
            // a backlog's events, it would move the watermark, close open sessions early and make the rest late.
            .WithTimestampAssigner((parsed, _) => parsed.Event?.Timestamp ?? long.MinValue)
            .WithIdleness(env.GetParameter(Idleness));
        var source = env.GetParameter(Source) == UserSessionsSource.Generator
            ? (ISource<ParsedUserEvent>)UserEventGenerator.Create(env)
            : new TopicSource<ParsedUserEvent>(env.GetParameter(Topic), bounded: false, ParsedUserEvent.Parse);
        var events = env.FromSource(source, watermarks, "User events").Uid("user-events")
            .Process(new SplitInvalidEvents(), "Parse").Uid("parse");
        var sessions = events
            .KeyBy(e => e.UserId)
            .Window(EventTimeSessionWindows.WithGap(env.GetParameter(SessionGap)))
            .Aggregate(new SessionFeaturesAggregate(), "Sessions").Uid("sessions");
        var discard = env.GetParameter(DiscardOutput);
        sessions.SinkTo(discard ? new DiscardingSink<SessionFeatures>() : new TopicSink<SessionFeatures>(env.GetParameter(OutputTopic), f => f.UserId), "Session features")
            .Uid("session-features");
        events.GetSideOutput(SplitInvalidEvents.Invalid)
            .SinkTo(discard ? new DiscardingSink<string>() : new TopicSink<string>(env.GetParameter(InvalidTopic)), "Invalid events").Uid("invalid-events");
    }
}

public enum UserSessionsSource
{
    Topic,
    Generator,
}
