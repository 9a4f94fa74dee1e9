using GrainFlow.Storage;
using GrainFlow.Storage.GrainState;

namespace GrainFlow.Storage.Tests.GrainState;

[Trait("Category", "Unit")]
public sealed class GrainStateKeysTests
{
    [Theory]
    [InlineData("job-1", "job-1")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "%2E%2E")]
    [InlineData(".hidden", "%2Ehidden")]
    [InlineData("v1.2", "v1.2")]
    [InlineData("trailing.", "trailing%2E")]
    [InlineData("50%", "50%25")]
    [InlineData("", "%")]
    [InlineData("é", "%C3%A9")]
    public void Segments_are_escaped_reversibly_and_never_form_special_names(string value, string expected)
    {
        Assert.Equal(expected, GrainStateKeys.EscapeSegment(value));
    }

    [Fact]
    public void Keys_are_valid_object_keys_with_type_grain_key_and_state_name()
    {
        var key = GrainStateKeys.For("s", GrainId.Create("statetest", "tenant/../job 1"));

        Assert.Equal("grainstate/statetest/tenant%2F..%2Fjob%201/s.json", key);
        ObjectKeys.Validate(key);
    }

    [Fact]
    public void Long_grain_keys_are_shortened_but_stay_distinct()
    {
        var a = GrainStateKeys.EscapeSegment(new string('x', 1000));
        var b = GrainStateKeys.EscapeSegment(new string('x', 999) + "y");

        Assert.True(a.Length <= 160);
        Assert.NotEqual(a, b);
        Assert.Contains('~', a);
    }
}
