using System.Text;
using System.Text.Json;
using GrainFlow.Storage;
using GrainFlow.Storage.GrainState;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace GrainFlow.Storage.Tests.GrainState;

/// <summary>
/// <see cref="ObjectStoreGrainStorage"/> called the way Orleans calls it, on each backend: state round
/// trips, and ETags stop a second writer from overwriting the first.
/// </summary>
public abstract class GrainStorageContractTests
{
    private static readonly GrainId Grain = GrainId.Create("statetest", "job-1");

    /// <summary>A new, empty store.</summary>
    protected abstract IObjectStore CreateStore();

    private static ObjectStoreGrainStorage CreateProvider(IObjectStore store) =>
        new("store", store, jsonOptions: null, NullLogger<ObjectStoreGrainStorage>.Instance);

    private static TestState SampleState() => new()
    {
        Text = "hello",
        Number = 42,
        History = ["a", "b"],
        Counters = new() { ["x"] = 1, ["y"] = long.MaxValue },
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    [Fact]
    public async Task Reading_a_state_never_written_gives_a_fresh_instance_and_no_record()
    {
        var provider = CreateProvider(CreateStore());
        var state = new GrainState<TestState> { ETag = "left-over" };

        await provider.ReadStateAsync("s", Grain, state);

        Assert.NotNull(state.State);
        Assert.Equal(string.Empty, state.State!.Text);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Written_state_reads_back_with_fields_properties_and_collections()
    {
        var store = CreateStore();
        var written = new GrainState<TestState>(SampleState());
        await CreateProvider(store).WriteStateAsync("s", Grain, written);

        var read = new GrainState<TestState>();
        await CreateProvider(store).ReadStateAsync("s", Grain, read);

        Assert.True(read.RecordExists);
        Assert.True(written.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("hello", read.State!.Text);
        Assert.Equal(42, read.State!.Number);
        Assert.Equal(["a", "b"], read.State!.History);
        Assert.Equal(long.MaxValue, read.State!.Counters["y"]);
        Assert.Equal(written.State!.UpdatedAt, read.State!.UpdatedAt);
    }

    [Fact]
    public async Task State_is_stored_as_readable_json_under_grainstate_type_key_and_state_name()
    {
        var store = CreateStore();
        await CreateProvider(store).WriteStateAsync("s", Grain, new GrainState<TestState>(SampleState()));

        var stored = await store.GetAsync("grainstate/statetest/job-1/s.json");

        Assert.NotNull(stored);
        using var json = JsonDocument.Parse(stored.Data);
        Assert.Equal("hello", json.RootElement.GetProperty("Text").GetString());
        Assert.Equal(42, json.RootElement.GetProperty("Number").GetInt32());
    }

    [Fact]
    public async Task Of_two_writers_that_read_the_same_version_only_the_first_write_lands()
    {
        var store = CreateStore();
        var provider = CreateProvider(store);
        await provider.WriteStateAsync("s", Grain, new GrainState<TestState>(new TestState { Text = "v1" }));
        var first = new GrainState<TestState>();
        var second = new GrainState<TestState>();
        await provider.ReadStateAsync("s", Grain, first);
        await provider.ReadStateAsync("s", Grain, second);

        first.State!.Text = "first";
        await provider.WriteStateAsync("s", Grain, first);
        second.State!.Text = "second";
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => provider.WriteStateAsync("s", Grain, second));

        Assert.Contains("grainstate/statetest/job-1/s.json", ex.Message);
        var read = new GrainState<TestState>();
        await provider.ReadStateAsync("s", Grain, read);
        Assert.Equal("first", read.State!.Text);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task A_writer_that_saw_no_record_cannot_overwrite_one_created_meanwhile()
    {
        var provider = CreateProvider(CreateStore());
        var late = new GrainState<TestState>();
        await provider.ReadStateAsync("s", Grain, late);
        await provider.WriteStateAsync("s", Grain, new GrainState<TestState>(new TestState { Text = "created elsewhere" }));

        late.State!.Text = "late";
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.WriteStateAsync("s", Grain, late));
    }

    [Fact]
    public async Task Clear_deletes_the_record_and_resets_the_state_so_the_next_write_creates_it()
    {
        var store = CreateStore();
        var provider = CreateProvider(store);
        var state = new GrainState<TestState>(SampleState());
        await provider.WriteStateAsync("s", Grain, state);

        await provider.ClearStateAsync("s", Grain, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(string.Empty, state.State!.Text);
        Assert.Null(await store.GetAsync("grainstate/statetest/job-1/s.json"));

        state.State!.Text = "again";
        await provider.WriteStateAsync("s", Grain, state);
        Assert.True(state.RecordExists);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_fails_and_keeps_the_newer_state()
    {
        var provider = CreateProvider(CreateStore());
        var stale = new GrainState<TestState>(new TestState { Text = "v1" });
        await provider.WriteStateAsync("s", Grain, stale);
        var current = new GrainState<TestState>();
        await provider.ReadStateAsync("s", Grain, current);
        current.State!.Text = "v2";
        await provider.WriteStateAsync("s", Grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.ClearStateAsync("s", Grain, stale));

        var read = new GrainState<TestState>();
        await provider.ReadStateAsync("s", Grain, read);
        Assert.Equal("v2", read.State!.Text);
    }

    [Fact]
    public async Task Grains_with_awkward_keys_and_different_state_names_do_not_share_records()
    {
        var provider = CreateProvider(CreateStore());
        var grains = new[]
        {
            GrainId.Create("statetest", "a/b"),
            GrainId.Create("statetest", "a%2Fb"),
            GrainId.Create("statetest", ".."),
            GrainId.Create("statetest", ".gftmp-x"),
            GrainId.Create("statetest", "ünïcode key"),
            GrainId.Create("statetest", new string('k', 500)),
            GrainId.Create("statetest", new string('k', 499) + "j"),
            GrainId.Create("other", "a/b"),
        };

        foreach (var grain in grains)
        {
            foreach (var stateName in new[] { "s", "t" })
            {
                await provider.WriteStateAsync(stateName, grain, new GrainState<TestState>(new TestState { Text = $"{grain}|{stateName}" }));
            }
        }

        foreach (var grain in grains)
        {
            foreach (var stateName in new[] { "s", "t" })
            {
                var read = new GrainState<TestState>();
                await provider.ReadStateAsync(stateName, grain, read);
                Assert.Equal($"{grain}|{stateName}", read.State!.Text);
            }
        }
    }

    [Fact]
    public async Task Corrupt_json_is_reported_with_the_key_and_the_type()
    {
        var store = CreateStore();
        await store.PutAsync("grainstate/statetest/job-1/s.json", Encoding.UTF8.GetBytes("{ not json"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => CreateProvider(store).ReadStateAsync("s", Grain, new GrainState<TestState>()));

        Assert.Contains("grainstate/statetest/job-1/s.json", ex.Message);
        Assert.Contains(nameof(TestState), ex.Message);
    }

    [Fact]
    public async Task Storage_failures_surface_as_ObjectStoreException()
    {
        var provider = CreateProvider(CreateUnavailableStore());

        await Assert.ThrowsAsync<ObjectStoreException>(
            () => provider.WriteStateAsync("s", Grain, new GrainState<TestState>(SampleState())));
    }

    /// <summary>A store whose writes fail.</summary>
    protected abstract IObjectStore CreateUnavailableStore();
}
