using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Silo.Examples;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary><c>keyed-count</c> whose Build chooses its state backend in code (<c>env.SetStateBackend</c>), the one its <c>backend-in-code</c> parameter names.</summary>
public sealed class StateBackendInCodeJob : IStreamingJob
{
    public const string Name = "state-backend-in-code";

    public static readonly ConfigOption<StateBackendType> BackendInCode = ConfigOptions.Key("backend-in-code").EnumType<StateBackendType>()
        .WithDefault(StateBackendType.Hashmap);

    public void Build(StreamExecutionEnvironment env)
    {
        env.SetStateBackend(StateBackend.For(env.GetParameter(BackendInCode)));
        new KeyedCountJob().Build(env);
    }
}
