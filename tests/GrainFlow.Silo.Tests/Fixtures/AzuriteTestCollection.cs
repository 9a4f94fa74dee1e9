using GrainFlow.Testing.Azurite;

namespace GrainFlow.Silo.Tests.Fixtures;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : ICollectionFixture<AzuriteFixture>;
