using System.Text.Json;
using GrainFlow.Errors;
using GrainFlow.Runtime.Configuration;
using GrainFlow.Runtime.Execution;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Storage;
using GrainFlow.Topics;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Topics;

/// <summary>
/// A topic: its settings in <c>_topic.json</c>, and the routing of published records to partitions
/// (by the stable hash of the key; round robin without a key).
/// </summary>
internal sealed class TopicGrain(GrainFlowStores stores, JobCatalog catalog) : Grain, ITopicGrain
{
    private TopicSettings? _settings;
    private int _roundRobin;

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        TopicLayout.ValidateName(Name);
        _settings = await ReadSettingsAsync(stores.Data, Name, cancellationToken);
    }

    public async Task<TopicSettings> CreateAsync(TopicSettings settings)
    {
        if (settings.Partitions is < 1 or > 1024) throw new TopicException($"A topic has from 1 to 1024 partitions; {settings.Partitions} were asked for.");
        if (_settings is null)
        {
            try
            {
                await stores.Data.PutAsync(TopicLayout.SettingsKey(Name), JsonSerializer.SerializeToUtf8Bytes(settings), WriteCondition.IfNotExists);
                _settings = settings;
            }
            catch (ObjectStorePreconditionFailedException)
            {
                _settings = await ReadSettingsAsync(stores.Data, Name, CancellationToken.None);
            }
        }
        if (_settings!.Partitions != settings.Partitions)
        {
            throw new TopicException($"Topic '{Name}' already exists with {_settings.Partitions} partitions, not {settings.Partitions}.");
        }
        return _settings;
    }

    public async Task<IReadOnlyList<(int Partition, long Offset)>> PublishAsync(Immutable<TopicRecord[]> records)
    {
        var settings = _settings ?? await CreateAsync(DefaultSettings());
        var byPartition = new List<int>[settings.Partitions];
        var assignment = new int[records.Value.Length];
        for (var i = 0; i < records.Value.Length; i++)
        {
            var partition = TopicRouting.PartitionFor(records.Value[i].Key, settings.Partitions, ref _roundRobin);
            assignment[i] = partition;
            (byPartition[partition] ??= new List<int>()).Add(i);
        }
        var firstOffsets = new long[settings.Partitions];
        await Task.WhenAll(Enumerable.Range(0, settings.Partitions).Where(p => byPartition[p] is not null).Select(async p =>
        {
            var batch = byPartition[p].Select(i => records.Value[i]).ToArray();
            firstOffsets[p] = await GrainFactory.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(Name, p)).AppendAsync(new Immutable<TopicRecord[]>(batch));
        }));
        var result = new (int, long)[records.Value.Length];
        var next = (long[])firstOffsets.Clone();
        for (var i = 0; i < result.Length; i++) result[i] = (assignment[i], next[assignment[i]]++);
        return result;
    }

    public async Task<TopicSettings> EnsureExistsAsync() => _settings ?? await CreateAsync(DefaultSettings());

    public async Task<TopicInfo> GetInfoAsync()
    {
        _settings ??= await ReadSettingsAsync(stores.Data, Name, CancellationToken.None);
        if (_settings is null) throw new TopicException($"Topic '{Name}' does not exist. Publish to it first ('grainflow publish {Name} <file>').");
        var partitions = await Task.WhenAll(Enumerable.Range(0, _settings.Partitions)
            .Select(p => GrainFactory.GetGrain<ITopicPartitionGrain>(ITopicPartitionGrain.KeyOf(Name, p)).GetInfoAsync()));
        return new TopicInfo(Name, _settings, partitions);
    }

    public async Task<bool> ExistsAsync()
    {
        _settings ??= await ReadSettingsAsync(stores.Data, Name, CancellationToken.None);
        return _settings is not null;
    }

    private TopicSettings DefaultSettings()
    {
        var configuration = catalog.ClusterConfiguration;
        var retentionTime = configuration.Get(TopicOptions.RetentionTime);
        return new TopicSettings(
            configuration.Get(TopicOptions.DefaultPartitions),
            configuration.Get(TopicOptions.RetentionBytes),
            retentionTime == TimeSpan.Zero ? TopicSettings.Unlimited : (long)retentionTime.TotalMilliseconds,
            configuration.Get(TopicOptions.SegmentBytes));
    }

    internal static async Task<TopicSettings?> ReadSettingsAsync(IObjectStore store, string topic, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(TopicLayout.SettingsKey(topic), cancellationToken);
        return stored is null ? null : JsonSerializer.Deserialize<TopicSettings>(stored.Data)
            ?? throw new TopicException($"The settings of topic '{topic}' in {store.Location} are unreadable.");
    }
}
