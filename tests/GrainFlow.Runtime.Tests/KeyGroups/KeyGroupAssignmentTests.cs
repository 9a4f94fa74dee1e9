using GrainFlow.KeyGroups;

namespace GrainFlow.Runtime.Tests.KeyGroups;

/// <summary>
/// The expected values were computed with Java (String/Long/Integer.hashCode and Flink's
/// MathUtils.murmurHash, KeyGroupRangeAssignment formulas), so a drift from Flink's assignment, or
/// between processes, fails here.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyGroupAssignmentTests
{
    [Theory]
    [InlineData("hello", 99162322, 35, 0, 31395)]
    [InlineData("world", 113318802, 66, 1, 23874)]
    [InlineData("flink", 97520992, 98, 2, 16610)]
    [InlineData("grainflow", -1367995351, 36, 0, 292)]
    [InlineData("", 0, 94, 2, 31198)]
    [InlineData("Ünïcödé", 1055431381, 63, 1, 30143)]
    [InlineData("user-42", -147182656, 20, 0, 20116)]
    public void StringKeysGetJavasHashAndFlinksKeyGroups(string key, int javaHash, int keyGroupOf128, int subtaskOf3, int keyGroupOf32768)
    {
        Assert.Equal(javaHash, StableKeyHash.Of(key));
        Assert.Equal(keyGroupOf128, KeyGroupAssignment.KeyGroupFor(key, 128));
        Assert.Equal(subtaskOf3, KeyGroupAssignment.SubtaskForKey(key, 3, 128));
        Assert.Equal(keyGroupOf32768, KeyGroupAssignment.KeyGroupFor(key, 32768));
    }

    [Theory]
    [InlineData(0L, 0, 94, 2, 31198)]
    [InlineData(1L, 1, 86, 2, 16342)]
    [InlineData(42L, 42, 29, 0, 28189)]
    [InlineData(-1L, 0, 94, 2, 31198)]
    [InlineData(123456789012L, -1097262584, 123, 2, 23419)]
    [InlineData(long.MaxValue, int.MinValue, 108, 2, 10348)]
    [InlineData(long.MinValue, int.MinValue, 108, 2, 10348)]
    public void LongKeysGetJavasHashAndFlinksKeyGroups(long key, int javaHash, int keyGroupOf128, int subtaskOf3, int keyGroupOf32768)
    {
        Assert.Equal(javaHash, StableKeyHash.Of(key));
        Assert.Equal(keyGroupOf128, KeyGroupAssignment.KeyGroupFor(key, 128));
        Assert.Equal(subtaskOf3, KeyGroupAssignment.SubtaskForKey(key, 3, 128));
        Assert.Equal(keyGroupOf32768, KeyGroupAssignment.KeyGroupFor(key, 32768));
    }

    [Theory]
    [InlineData(0, 94)]
    [InlineData(7, 113)]
    [InlineData(-7, 33)]
    [InlineData(int.MaxValue, 62)]
    [InlineData(int.MinValue, 108)]
    public void IntKeysGetFlinksKeyGroups(int key, int keyGroupOf128) =>
        Assert.Equal(keyGroupOf128, KeyGroupAssignment.KeyGroupFor(key, 128));

    [Theory]
    [InlineData(1, 128)]
    [InlineData(2, 128)]
    [InlineData(85, 128)]
    [InlineData(86, 256)]
    [InlineData(1000, 2048)]
    [InlineData(30000, 32768)]
    public void DefaultMaxParallelismFollowsFlinksRule(int parallelism, int expected) =>
        Assert.Equal(expected, KeyGroupAssignment.DefaultMaxParallelism(parallelism));

    [Theory]
    [InlineData(1, 128)]
    [InlineData(2, 128)]
    [InlineData(3, 128)]
    [InlineData(5, 128)]
    [InlineData(7, 100)]
    [InlineData(128, 128)]
    public void SubtaskRangesPartitionAllKeyGroupsAndInvertTheAssignment(int parallelism, int maxParallelism)
    {
        var covered = new List<int>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            var range = KeyGroupAssignment.RangeForSubtask(subtask, parallelism, maxParallelism);
            for (var kg = range.StartKeyGroup; kg <= range.EndKeyGroup; kg++)
            {
                Assert.Equal(subtask, KeyGroupAssignment.SubtaskForKeyGroup(kg, parallelism, maxParallelism));
                covered.Add(kg);
            }
        }
        Assert.Equal(Enumerable.Range(0, maxParallelism), covered);
    }

    [Fact]
    public void KeyTypesWithoutAStableHashAreRejectedWithAnExplanation()
    {
        Assert.False(StableKeyHash.Supports(typeof(object)));
        var error = Assert.Throws<NotSupportedException>(() => StableKeyHash.OfKey(new object()));
        Assert.Contains("IStableHashable", error.Message);
    }
}
