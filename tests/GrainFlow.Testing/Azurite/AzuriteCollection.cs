namespace GrainFlow.Testing.Azurite;

/// <summary>
/// The name of the xunit collection that shares one <see cref="AzuriteFixture"/> per test assembly.
/// </summary>
/// <remarks>
/// xunit only discovers [CollectionDefinition] classes in the test assembly itself, so each test
/// project declares one line:
/// <code>
/// [CollectionDefinition(AzuriteCollection.Name)]
/// public sealed class AzuriteTestCollection : ICollectionFixture&lt;AzuriteFixture&gt;;
/// </code>
/// and its test classes use <c>[Collection(AzuriteCollection.Name)]</c> with an <see cref="AzuriteFixture"/>
/// constructor parameter.
/// </remarks>
public static class AzuriteCollection
{
    public const string Name = "Azurite";
}
