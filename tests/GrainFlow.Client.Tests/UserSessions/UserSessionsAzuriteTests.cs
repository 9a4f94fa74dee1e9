using GrainFlow.Testing.Azurite;

namespace GrainFlow.Client.Tests.UserSessions;

/// <summary>The session scenarios with checkpoints and savepoints in Azure Blob storage (Azurite), one container per scenario.</summary>
[Trait("Category", "Process")]
[Trait("Category", "Azurite")]
[Collection(AzuriteCollection.Name)]
public sealed class UserSessionsAzuriteTests(AzuriteFixture azurite) : UserSessionsScenarios
{
    protected override string[] SiloSettings => [$"-Dgrainflow.storage.azure.connection-string={azurite.ConnectionString}"];

    protected override string NewCheckpointDirectory(string workingDirectory) => $"azblob://{azurite.NewContainerName("sessions")}";

    protected override string Reported(string checkpointDirectory) => $"{azurite.BlobEndpoint}/{checkpointDirectory["azblob://".Length..]}";
}
