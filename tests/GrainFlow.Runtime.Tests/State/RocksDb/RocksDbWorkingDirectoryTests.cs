using System.Diagnostics;
using GrainFlow.Runtime.Api.State;
using GrainFlow.Runtime.State;
using GrainFlow.Runtime.State.RocksDb;
using static GrainFlow.Runtime.Tests.State.KeyedStateCheckpoints;

namespace GrainFlow.Runtime.Tests.State.RocksDb;

/// <summary>Each RocksDB instance works in a directory of its own, deleted with it; directories of crashed processes are cleaned, nothing else is touched.</summary>
[Trait("Category", "Unit")]
public sealed class RocksDbWorkingDirectoryTests : IDisposable
{
    private readonly RocksDbTestBackends _backends = new();

    [Fact]
    public void EachInstanceWorksInItsOwnDirectoryWhichDisposeDeletes()
    {
        var first = _backends.Backend(0, 2);
        var second = _backends.Backend(1, 2);
        first.GetValueState(new ValueStateDescriptor<long>("count"));
        Assert.NotEqual(first.WorkingDirectory, second.WorkingDirectory);
        Assert.Equal(_backends.LocalDirectory, Path.GetDirectoryName(first.WorkingDirectory));
        Assert.True(File.Exists(Path.Combine(first.WorkingDirectory, RocksDbWorkingDirectory.MarkerFileName)));
        Assert.Contains(Directory.EnumerateFiles(first.WorkingDirectory, "*", SearchOption.AllDirectories), f => f.EndsWith("CURRENT", StringComparison.Ordinal));

        first.Dispose();

        Assert.False(Directory.Exists(first.WorkingDirectory));
        Assert.True(Directory.Exists(second.WorkingDirectory));
    }

    [Fact]
    public void DirectoriesLeftByACrashedProcessAreDeletedAndNothingElseIsTouched()
    {
        Directory.CreateDirectory(_backends.LocalDirectory);
        var deadPid = ExitedProcessId();
        var crashed = InstanceDirectory($"{RocksDbWorkingDirectory.NamePrefix}{deadPid}-left", deadPid.ToString());
        File.WriteAllText(Path.Combine(crashed, "LOCK"), "");
        var withoutMarker = Path.Combine(_backends.LocalDirectory, $"{RocksDbWorkingDirectory.NamePrefix}{deadPid}-nomarker");
        Directory.CreateDirectory(withoutMarker);
        var someoneElses = Path.Combine(_backends.LocalDirectory, "other-data");
        Directory.CreateDirectory(someoneElses);
        var liveProcess = InstanceDirectory($"{RocksDbWorkingDirectory.NamePrefix}1-live", "1"); // pid 1 runs as long as the machine does

        using var backend = _backends.Backend(0, 1);

        Assert.False(Directory.Exists(crashed));
        Assert.True(Directory.Exists(withoutMarker));
        Assert.True(Directory.Exists(someoneElses));
        Assert.True(Directory.Exists(liveProcess));
        Assert.True(Directory.Exists(backend.WorkingDirectory));
    }

    [Fact]
    public void InstancesStartingAndClosingAtOnceUnderOneLocalDirectoryLeaveNothingBehind()
    {
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            using var backend = new RocksDbKeyedStateBackend<long>(new(0, 127), MaxParallelism, Codecs, _backends.Options);
            backend.SetCurrentKey(i);
            backend.GetValueState(new ValueStateDescriptor<long>("count")).Update(i);
        });

        Assert.Empty(Directory.EnumerateFileSystemEntries(_backends.LocalDirectory));
    }

    [Fact]
    public void ALocalDirectoryThatCannotBeWrittenIsAClearErrorNamingThePathAndTheKey()
    {
        Directory.CreateDirectory(_backends.LocalDirectory);
        var file = Path.Combine(_backends.LocalDirectory, "a-file");
        File.WriteAllText(file, "not a directory");
        var options = _backends.Options with { LocalDirectory = Path.Combine(file, "rocksdb") };

        var error = Assert.Throws<IOException>(() => new RocksDbKeyedStateBackend<long>(new(0, 127), MaxParallelism, Codecs, options));

        Assert.Contains(options.LocalDirectory, error.Message);
        Assert.Contains(RocksDbBackendOptions.LocalDirectoryKey, error.Message);
        Assert.Equal("not a directory", File.ReadAllText(file));
    }

    [Fact]
    public void FixedMemorySplitsTheBudgetBetweenWriteCacheBlockCacheAndMemtablesAndRefusesTinyBudgets()
    {
        var options = RocksDbBackendOptions.WithFixedMemory(_backends.LocalDirectory, 256L << 20);
        Assert.Equal((16L << 20, 240L << 20, 128L << 20, 64L << 20), (options.WriteCacheBytes, options.BlockCacheBytes, options.TotalWriteBufferBytes, options.WriteBufferBytes));
        Assert.Contains("fixed-per-slot", Assert.Throws<ArgumentOutOfRangeException>(() => RocksDbBackendOptions.WithFixedMemory(_backends.LocalDirectory, 1000)).Message);

        using var backend = new RocksDbKeyedStateBackend<long>(new(0, 127), MaxParallelism, Codecs, RocksDbBackendOptions.WithFixedMemory(_backends.LocalDirectory, 4L << 20));
        var state = backend.GetValueState(new ValueStateDescriptor<byte[]>("blob"));
        for (long key = 0; key < 2_000; key++)
        {
            backend.SetCurrentKey(key);
            state.Update(new byte[4096]); // 8 MB through a 1 MB memtable: flushed to SST files as it goes
        }
        backend.SetCurrentKey(1_999);
        Assert.Equal(4096, state.Value!.Length);
    }

    private string InstanceDirectory(string name, string marker)
    {
        var path = Path.Combine(_backends.LocalDirectory, name);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, RocksDbWorkingDirectory.MarkerFileName), marker);
        return path;
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    public void Dispose() => _backends.Dispose();
}
