using GrainFlow.Errors;
using GrainFlow.Silo.Rest.Http;

namespace GrainFlow.Silo.Tests.Rest;

[Trait("Category", "Unit")]
public sealed class ErrorClassificationTests
{
    [Fact]
    public void AGrainCallThatTimedOutIsA504ThatSaysTheOutcomeIsUnknownNotA500()
    {
        var (status, message) = ErrorResponses.Classify(new TimeoutException("Response did not arrive on time in 00:00:30"));

        Assert.Equal(504, status);
        Assert.Contains("may still complete", message);
        Assert.DoesNotContain("00:00:30", message);
    }

    [Fact]
    public void ARefusedSubmissionIsA400WithItsMessage()
    {
        var (status, message) = ErrorResponses.Classify(new JobConfigurationException("Operator 'x' would run with parallelism 500"));

        Assert.Equal(400, status);
        Assert.Equal("Operator 'x' would run with parallelism 500", message);
    }
}
