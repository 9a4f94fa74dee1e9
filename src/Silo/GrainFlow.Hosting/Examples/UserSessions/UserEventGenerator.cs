using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>
/// Made-up page views for the quick start and the benchmarks: view n is by user <c>hash(n) mod users</c>
/// on page <c>(hash(n) ≫ 32) mod pages</c> at event time <c>start + n · interval</c>, so the same settings
/// always give the same views, sessions and (from a checkpoint) the same replay. The page comes from other
/// bits of the hash than the user: from n itself, a user would see only pages of one parity.
/// </summary>
public static class UserEventGenerator
{
    public static readonly ConfigOption<long> Events = ConfigOptions.Key("generator.events").LongType()
        .WithCheck(n => n >= 0 ? null : "the number of events must not be negative").WithDefault(100_000);

    public static readonly ConfigOption<long> Users = ConfigOptions.Key("generator.users").LongType()
        .WithCheck(n => n >= 1 ? null : "there must be at least one user").WithDefault(1_000);

    public static readonly ConfigOption<int> Pages = ConfigOptions.Key("generator.pages").IntType()
        .WithCheck(n => n >= 1 ? null : "there must be at least one page").WithDefault(50);

    public static readonly ConfigOption<TimeSpan> Interval = ConfigOptions.Key("generator.interval").DurationType()
        .WithCheck(d => d >= TimeSpan.FromMilliseconds(1) ? null : "the interval must be at least 1 ms").WithDefault(TimeSpan.FromMilliseconds(100))
        .WithDescription("Event time between two consecutive views (of any users).");

    public static readonly ConfigOption<double> EventsPerSecond = ConfigOptions.Key("generator.events-per-second").DoubleType()
        .WithCheck(n => n >= 0 ? null : "the rate must not be negative").WithDefault(0);

    /// <summary>2027-01-01T00:00:00Z: the event time of the first view.</summary>
    public const long Start = 1_798_761_600_000;

    public static GeneratorSource<ParsedUserEvent> Create(StreamExecutionEnvironment env)
    {
        var users = (ulong)env.GetParameter(Users);
        var pages = env.GetParameter(Pages);
        var interval = (long)env.GetParameter(Interval).TotalMilliseconds;
        var pageNames = Enumerable.Range(0, pages).Select(p => $"/page/{p}").ToArray();
        var userNames = new string?[Math.Min(users, 1_000_000UL)];
        return new GeneratorSource<ParsedUserEvent>(env.GetParameter(Events), n =>
        {
            var hash = unchecked((ulong)n * 0x9E3779B97F4A7C15UL);
            var user = hash % users;
            var name = user < (ulong)userNames.Length ? userNames[user] ??= $"user-{user}" : $"user-{user}";
            return new ParsedUserEvent(new UserEvent(name, pageNames[(hash >> 32) % (ulong)pages], Start + n * interval), null, null);
        }, splits: 8, recordsPerSecond: env.GetParameter(EventsPerSecond));
    }
}
