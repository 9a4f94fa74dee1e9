using GrainFlow.KeyGroups;
using GrainFlow.Runtime.Api.Functions;
using GrainFlow.Runtime.Operators;
using GrainFlow.Runtime.Tests.State;

namespace GrainFlow.Runtime.Tests.Harness;

/// <summary>Rolling Aggregate and Reduce keep their state under the names older snapshots used, and restore it at another parallelism.</summary>
[Trait("Category", "Unit")]
public sealed class AggregateAndReduceStateTests
{
    private sealed class Average : IAggregateFunction<long, (long Sum, long Count), double>
    {
        public (long Sum, long Count) CreateAccumulator() => (0, 0);

        public (long Sum, long Count) Add(long value, (long Sum, long Count) accumulator) => (accumulator.Sum + value, accumulator.Count + 1);

        public double GetResult((long Sum, long Count) accumulator) => (double)accumulator.Sum / accumulator.Count;

        public (long Sum, long Count) Merge((long Sum, long Count) a, (long Sum, long Count) b) => (a.Sum + b.Sum, a.Count + b.Count);
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ARollingAggregateEmitsEachKeysResultAndContinuesFromItsAccumulatorsAfterARestoreAtAnotherParallelism(string type)
    {
        var harness = KeyedOperatorHarness.ForAggregate<long, long, (long Sum, long Count), double>(v => v % 4, new Average(), new HarnessSetup(Backend: type));
        foreach (var value in new long[] { 4, 8, 1, 12, 5 }) harness.ProcessElement(value);
        Assert.Equal([4.0, 6, 1, 8, 3], harness.OutputValues);
        Assert.Equal([AggregateOperator<long, long, (long, long), double>.StateName], harness.StateTables.Select(t => t.Name));

        var snapshot = harness.Snapshot();
        var restored = Enumerable.Range(0, 2).Select(i => KeyedOperatorHarness.ForAggregate<long, long, (long Sum, long Count), double>(
            v => v % 4, new Average(), new HarnessSetup(i, 2, RestoreFrom: [snapshot], Backend: type))).ToList();
        foreach (var value in new long[] { 16, 9 }) restored[KeyGroupAssignment.SubtaskForKey(value % 4, 2, 128)].ProcessElement(value);
        Assert.Equal([5.0, 10], restored.SelectMany(h => h.OutputValues).Order());
    }

    [Theory]
    [MemberData(nameof(StateBackendsUnderTest.All), MemberType = typeof(StateBackendsUnderTest))]
    public void ARollingReduceEmitsEachKeysReducedValueAndContinuesFromItAfterARestore(string type)
    {
        var harness = KeyedOperatorHarness.ForReduce<string, string>(s => s[..1], (a, b) => a + b, new HarnessSetup(Backend: type));
        foreach (var value in new[] { "a1", "b1", "a2" }) harness.ProcessElement(value);
        Assert.Equal(["a1", "b1", "a1a2"], harness.OutputValues);
        Assert.Equal([ReduceOperator<string, string>.StateName], harness.StateTables.Select(t => t.Name));

        var restored = KeyedOperatorHarness.ForReduce<string, string>(s => s[..1], (a, b) => a + b, new HarnessSetup(RestoreFrom: [harness.Snapshot()], Backend: type));
        restored.ProcessElement("b2");
        Assert.Equal(["b1b2"], restored.OutputValues);
    }
}
