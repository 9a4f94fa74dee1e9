using GrainFlow.Configuration;
using GrainFlow.Jobs;
using GrainFlow.Runtime.Channels;
using GrainFlow.Runtime.Operators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainFlow.Runtime.Tests.EventTime;

/// <summary>What the event-time tests share: readable control events, and operators opened outside a subtask.</summary>
internal static class EventTimeTestKit
{
    /// <summary>The events as text ("watermark 5", "watermark-status IDLE"), so a failed assertion reads well.</summary>
    public static List<string> Describe(IReadOnlyList<ControlEvent> events) => events.Select(e => e.ToString()!).ToList();

    /// <summary>Opens <paramref name="op"/> as subtask 0 of 1 on <paramref name="time"/>, with the chain's timestamp slot <paramref name="timestamp"/>.</summary>
    public static void Open(IStreamOperator op, TimeProvider time, RecordTimestamp timestamp) =>
        op.Open(new OperatorContext(JobId.New(), "test", 1, "vertex", 0, 1, 128, GrainFlowConfiguration.Empty,
            new ServiceCollection().BuildServiceProvider(), time, NullLogger.Instance) { Timestamp = timestamp });
}
