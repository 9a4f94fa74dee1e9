using System.Collections.Immutable;
using GrainFlow.Runtime.Checkpointing;
using GrainFlow.Savepoints;
using GrainFlow.Silo.Examples.UserSessions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static GrainFlow.Runtime.Tests.Checkpointing.CodecBytes;

namespace GrainFlow.Runtime.Tests.Examples;

/// <summary><c>user-sessions</c>' accumulator: its distinct pages, immutability, and how snapshots write it (its own codec, and what Orleans wrote before).</summary>
[Trait("Category", "Unit")]
public sealed class SessionAccumulatorTests
{
    private readonly StateCodecs _native = new(new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(OrleansSessionAccumulator).Assembly)).BuildServiceProvider());

    private static SessionAccumulator Session(params (string Page, long Time)[] views) =>
        views.Aggregate(SessionAccumulator.Empty, (acc, v) => acc.Add(new UserEvent("user-7", v.Page, v.Time)));

    [Fact]
    public void PagesAreCountedOnceInOrdinalOrderAndAddingLeavesTheAccumulatorInStateAsItWas()
    {
        var first = Session(("/page/b", 20), ("/page/a", 10));
        var second = first.Add(new UserEvent("user-7", "/page/b", 30));

        Assert.Equal(["/page/a", "/page/b"], first.Pages.ToArray());
        Assert.Equal((10, 20, 2), (first.First, first.Last, first.Events));
        Assert.Equal(new SessionFeatures("user-7", 10, 30, 3, 2, 20), second.ToFeatures());

        var merged = first.Merge(Session(("/page/c", 5), ("/page/a", 40)));
        Assert.Equal(["/page/a", "/page/b", "/page/c"], merged.Pages.ToArray());
        Assert.Equal(new SessionFeatures("user-7", 5, 40, 4, 3, 35), merged.ToFeatures());
        Assert.Equal(["/page/a", "/page/b"], first.Pages.ToArray());
    }

    [Fact]
    public void CheckpointsWriteItWithItsOwnCodecAndCanonicalSavepointsAsJson()
    {
        var session = Session(("/page/2", 1_000), ("/page/10", 4_000), ("/page/2", 9_000));
        var codec = _native.For<SessionAccumulator>();
        Assert.Equal("user-sessions.session-accumulator.v1", codec.Name);
        var bytes = Write(codec, session);
        Assert.True(bytes.Length < 50, $"{bytes.Length} bytes");
        Assert.Equal(session.ToFeatures(), Read(codec, bytes).ToFeatures());
        Assert.Equal(session.Pages.ToArray(), Read(codec, bytes).Pages.ToArray());
        Assert.Equal(SessionAccumulator.Empty.ToFeatures(), Read(codec, Write(codec, SessionAccumulator.Empty)).ToFeatures());

        var canonical = _native.In(SavepointFormatType.Canonical).For<SessionAccumulator>();
        Assert.Equal($"json:v1:{typeof(SessionAccumulator).FullName}", canonical.Name);
        Assert.Equal(session.Pages.ToArray(), Read(canonical, Write(canonical, session)).Pages.ToArray());
        Assert.Equal(session.Pages.ToArray(), Read(_native.In(SavepointFormatType.Canonical).ForRecorded<SessionAccumulator>(codec.Name), bytes).Pages.ToArray());
    }

    [Fact]
    public void ACheckpointTakenWhenOrleansWroteTheAccumulatorStillRestores()
    {
        var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(OrleansSessionAccumulator).Assembly)).BuildServiceProvider();
        // What checkpoints held before the codec: Orleans' bytes of the earlier shape, whose set sorted pages by the current culture.
        var earlier = new OrleansSessionAccumulator("user-7", 10, 70, 4, ImmutableSortedSet.Create("/page/b", "/page/A", "/page/a"));
        var restored = Read(_native.ForRecorded<SessionAccumulator>("orleans:GrainFlow.Silo.Examples.UserSessions.SessionAccumulator"), OrleansBytes(services, earlier));

        Assert.Equal(new SessionFeatures("user-7", 10, 70, 4, 3, 60), restored.ToFeatures());
        Assert.Equal(["/page/A", "/page/a", "/page/b"], restored.Pages.ToArray());
        Assert.Equal(["/page/A", "/page/a", "/page/b", "/page/c"], restored.Add(new UserEvent("user-7", "/page/c", 80)).Pages.ToArray());
    }

    [Fact]
    public void AStateWrittenByAnUnknownCodecIsRefusedNamingBothCodecs()
    {
        var error = Assert.Throws<InvalidDataException>(() => _native.ForRecorded<SessionAccumulator>("user-sessions.session-accumulator.v9"));
        Assert.Contains("'user-sessions.session-accumulator.v9'", error.Message);
        Assert.Contains("'user-sessions.session-accumulator.v1'", error.Message);
    }
}
