using GrainFlow.Paths;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>Which locations the path policy lets through: containment by segments, never by string prefix, on disk and in blob storage.</summary>
[Trait("Category", "Unit")]
public sealed class AllowedRootsTests
{
    private static readonly AllowedRoots Policy = AllowedRoots.From(
        ["/data/savepoints", "file:///mnt/shared/", "https://acct.blob.core.windows.net/savepoints/team-a", "azblob://checkpoints"], enforce: false);

    [Theory]
    [InlineData("/data/savepoints")]
    [InlineData("/data/savepoints/")]
    [InlineData("/data/savepoints/savepoint-abcdef-0123456789ab/_metadata")]
    [InlineData("file:///data/savepoints/job-1")]
    [InlineData("/mnt/shared/x")]
    [InlineData("https://acct.blob.core.windows.net/savepoints/team-a/savepoint-abcdef-0123456789ab")]
    [InlineData("https://ACCT.blob.core.windows.net/savepoints/team-a/x")]
    [InlineData("azblob://checkpoints/job/chk-3")]
    public void LocationsUnderARootAreAccepted(string path) => Assert.Null(Policy.Check(path, "target-directory"));

    [Theory]
    [InlineData("/data/savepoints-other", "not under an allowed root")]
    [InlineData("/data", "not under an allowed root")]
    [InlineData("/data/savepoints/../secrets", "'..'")]
    [InlineData("/data/savepoints/./x", "'.'")]
    [InlineData("file:///data/savepoints/%2e%2e/secrets", "'..'")]
    [InlineData("https://acct.blob.core.windows.net/savepoints/team-a/../team-b", "'..'")]
    [InlineData("https://acct.blob.core.windows.net/savepoints/team-a%2F..%2Fteam-b", "'..'")]
    [InlineData("https://acct.blob.core.windows.net/savepoints/team-b", "not under an allowed root")]
    [InlineData("https://other.blob.core.windows.net/savepoints/team-a", "not under an allowed root")]
    [InlineData("http://acct.blob.core.windows.net/savepoints/team-a", "not under an allowed root")]
    [InlineData("azblob://other-container/x", "not under an allowed root")]
    [InlineData("https://acct.blob.core.windows.net/savepoints/team-a?sv=token", "query")]
    [InlineData("savepoints/relative", "not an absolute path")]
    [InlineData("s3://bucket/savepoints", "scheme 's3'")]
    [InlineData("", "empty")]
    public void OtherLocationsAreRefusedSayingWhy(string path, string reason)
    {
        var refusal = Policy.Check(path, "target-directory");

        Assert.NotNull(refusal);
        Assert.StartsWith($"The target-directory '{path}' is refused: ", refusal);
        Assert.Contains(reason, refusal);
    }

    [Fact]
    public void OnLoopbackWithoutRootsAnyPathPassesAndBeyondLoopbackWithoutRootsNoneDoes()
    {
        Assert.False(AllowedRoots.From([], enforce: false).Enforced);
        Assert.Null(AllowedRoots.From([], enforce: false).Check("relative/../anything", "savepoint-path"));

        var beyond = AllowedRoots.From([], enforce: true);
        Assert.True(beyond.Enforced);
        Assert.Contains("no allowed roots are configured; set grainflow.rest.allowed-roots", beyond.Check("/data/savepoints", "savepoint-path"));
    }

    [Fact]
    public void TheConfiguredListIsSplitOnSemicolonsAndAnUnusableRootIsNamed()
    {
        Assert.Equal(["/a", "https://acct.blob.core.windows.net/c"], AllowedRoots.Split(" /a ; https://acct.blob.core.windows.net/c ;"));
        Assert.Null(AllowedRoots.Problem("/a;/b"));
        Assert.Contains("the root 'relative' is unusable", AllowedRoots.Problem("/a;relative"));
    }
}
