using GrainFlow.Configuration;
using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Sinks;
using GrainFlow.Runtime.Sources;

namespace GrainFlow.Runtime.Tests.TestJobs;

/// <summary>A fast generator in front of a sink that takes a while per batch: the pipeline must slow the generator down.</summary>
public sealed class SlowSinkJob : IStreamingJob
{
    public const string Name = "slow-sink";
    public static readonly ConfigOption<int> DelayMs = ConfigOptions.Key("delay-ms").IntType().WithDefault(20);

    public void Build(StreamExecutionEnvironment env)
    {
        env.FromSource(new GeneratorSource<long>(long.MaxValue, n => n), "Fast generator").Uid("generator").Parallelism(1)
            .KeyBy(n => n % 100)
            .Reduce((a, b) => a + b, "Sum").Uid("sum").Parallelism(1)
            .SinkTo(new SlowSink(env.GetParameter(DelayMs)), "Slow sink").Uid("slow-sink").Parallelism(1);
    }

    private sealed class SlowSink(int delayMs) : ISink<long>
    {
        public ISinkWriter<long> CreateWriter(SubtaskInfo subtask) => new Writer(delayMs);

        private sealed class Writer(int delayMs) : ISinkWriter<long>
        {
            public void Write(long record) { }

            public async ValueTask FlushAsync(FlushReason reason, CancellationToken cancellationToken)
            {
                if (reason == FlushReason.BatchEnd) await Task.Delay(delayMs, cancellationToken);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
