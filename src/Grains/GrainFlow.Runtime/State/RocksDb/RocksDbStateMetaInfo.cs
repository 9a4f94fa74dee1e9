using System.Text;

namespace GrainFlow.Runtime.State.RocksDb;

/// <summary>
/// What each state of an instance holds — its kind and the codecs of its keys (with namespace) and values — kept in
/// the instance's default column family (Flink's state meta info snapshot). The bytes of an incremental checkpoint
/// or a native savepoint are read with whatever codecs the restoring job declares, so a state whose type changed
/// would be decoded as garbage; comparing the recorded description when the job registers the state turns that into
/// a clear error instead. The default column family holds no key groups, so clipping and rescaling leave it alone.
/// </summary>
internal static class RocksDbStateMetaInfo
{
    private const string KeyPrefix = "grainflow.state-meta-info/";

    /// <summary>Records the description of <paramref name="table"/>, or checks it against the one recorded when its state was created.</summary>
    /// <exception cref="InvalidDataException">The state was written as another kind of state or with other key, namespace or value codecs.</exception>
    public static void CheckOrRecord(RocksDbInstance instance, IRocksDbStateTable table)
    {
        var key = KeyOf(table.Name);
        var current = table.MetaInfo;
        if (instance.Db.Get(key) is not { } recorded)
        {
            instance.Db.Put(key, Encoding.UTF8.GetBytes(current), writeOptions: RocksDbInstance.NoWal);
            return;
        }
        var recordedText = Encoding.UTF8.GetString(recorded);
        if (recordedText == current) return;
        throw new InvalidDataException(
            $"The snapshot holds state '{table.Name}' as {Describe(recordedText)}, but this job declares it as {Describe(current)}. " +
            "Restore with the state types the snapshot was taken with, give the changed state a new name, " +
            "or move the state through a canonical savepoint taken by the job that wrote it.");
    }

    /// <summary>Copies the descriptions <paramref name="source"/> has and <paramref name="target"/> lacks (the states of a rescaled instance come from several old ones).</summary>
    public static void CopyMissing(RocksDbSharp.RocksDb source, RocksDbInstance target)
    {
        var prefix = Encoding.UTF8.GetBytes(KeyPrefix);
        using var iterator = source.NewIterator();
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
        {
            if (target.Db.Get(iterator.Key()) is null) target.Db.Put(iterator.Key(), iterator.Value(), writeOptions: RocksDbInstance.NoWal);
        }
    }

    /// <summary>"kind|state key codec|value codec", as <see cref="IRocksDbStateTable.MetaInfo"/> writes it.</summary>
    public static string Of(string kind, string stateKeyCodec, string valueCodec) => $"{kind}|{stateKeyCodec}|{valueCodec}";

    private static byte[] KeyOf(string stateName) => Encoding.UTF8.GetBytes(KeyPrefix + stateName);

    private static string Describe(string metaInfo) => metaInfo.Split('|') is [var kind, var key, var value]
        ? $"{kind} state (keys '{key}', values '{value}')"
        : $"'{metaInfo}'";
}
