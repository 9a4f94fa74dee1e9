using GrainFlow.Testing.Azurite;

namespace GrainFlow.Client.Tests;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : ICollectionFixture<AzuriteFixture>;
