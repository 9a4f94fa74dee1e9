using System.Text.Json;
using GrainFlow.Storage;
using GrainFlow.Storage.GrainState;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace GrainFlow.Storage.Tests.GrainState;

/// <summary>
/// The providers registered through the hosting extensions, used by a real grain through
/// <c>[PersistentState("s", "store")]</c> in an in-process cluster.
/// </summary>
public abstract class GrainStorageClusterTests
{
    /// <summary>Registers the provider named "store" on the silo.</summary>
    protected abstract void AddStore(ISiloBuilder silo);

    /// <summary>The storage that provider writes to, for looking behind its back.</summary>
    protected abstract IObjectStore BackingStore { get; }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => AddStore(silo));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task State_written_by_a_grain_survives_deactivation_and_a_cluster_restart()
    {
        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IStateTestGrain>("survivor");
            Assert.False(await grain.RecordExistsAsync());

            await grain.SetAsync("first", 1);
            await grain.SetAsync("second", 2);
            await grain.DeactivateAsync();

            var reactivated = await grain.GetAsync();
            Assert.Equal("second", reactivated.Text);
            Assert.Equal(["first", "second"], reactivated.History);
            Assert.True(await grain.RecordExistsAsync());
        }

        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IStateTestGrain>("survivor");
            var restored = await grain.GetAsync();
            Assert.Equal("second", restored.Text);
            Assert.Equal(2, restored.Number);
        }
    }

    [Fact]
    public async Task A_grain_write_after_another_writer_changed_the_state_fails_with_InconsistentStateException()
    {
        await using var cluster = await StartClusterAsync();
        var grain = cluster.Client.GetGrain<IStateTestGrain>("contested");
        await grain.SetAsync("mine", 1);

        // Another activation (say, on a silo that thinks it still owns the grain) writes meanwhile.
        var key = GrainStateKeys.For("s", grain.GetGrainId());
        var theirs = new TestState { Text = "theirs", Number = 99 };
        await BackingStore.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(theirs, ObjectStoreGrainStorage.CreateDefaultJsonOptions()));

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.SetAsync("lost update", 2));

        // The loser re-reads, sees the other write, and can then write on top of it.
        var reloaded = await grain.ReloadAsync();
        Assert.Equal("theirs", reloaded.Text);
        await grain.SetAsync("after reload", 3);
        Assert.Equal("after reload", (await grain.ReloadAsync()).Text);
    }

    [Fact]
    public async Task Two_states_of_one_grain_in_one_provider_are_kept_apart_and_clear_removes_only_one()
    {
        await using var cluster = await StartClusterAsync();
        var grain = cluster.Client.GetGrain<IStateTestGrain>("two-states");

        await grain.SetAsync("main", 1);
        await grain.SetNoteAsync("a note");
        await grain.ClearAsync();
        await grain.DeactivateAsync();

        Assert.False(await grain.RecordExistsAsync());
        Assert.Equal("a note", await grain.GetNoteAsync());
        Assert.Null(await BackingStore.GetAsync(GrainStateKeys.For("s", grain.GetGrainId())));
        Assert.NotNull(await BackingStore.GetAsync(GrainStateKeys.For("note", grain.GetGrainId())));
    }
}
