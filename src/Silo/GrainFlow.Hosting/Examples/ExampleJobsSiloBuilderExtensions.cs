using GrainFlow.Runtime.Hosting;

namespace GrainFlow.Silo.Examples;

public static class ExampleJobsSiloBuilderExtensions
{
    /// <summary>Registers <c>keyed-count</c>, <c>word-count</c> and <c>user-sessions</c>.</summary>
    public static ISiloBuilder AddExampleJobs(this ISiloBuilder builder) => builder
        .AddGrainFlowJob<KeyedCountJob>(KeyedCountJob.Name)
        .AddGrainFlowJob<WordCountJob>(WordCountJob.Name)
        .AddGrainFlowJob<UserSessions.UserSessionsJob>(UserSessions.UserSessionsJob.Name);
}
