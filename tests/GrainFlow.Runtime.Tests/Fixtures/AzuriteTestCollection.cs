using GrainFlow.Testing.Azurite;

namespace GrainFlow.Runtime.Tests.Fixtures;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : ICollectionFixture<AzuriteFixture>;
