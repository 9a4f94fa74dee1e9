using GrainFlow.Testing.Azurite;

namespace GrainFlow.Storage.Tests;

/// <summary>One Azurite process for all tests of this assembly that need it.</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : ICollectionFixture<AzuriteFixture>;
