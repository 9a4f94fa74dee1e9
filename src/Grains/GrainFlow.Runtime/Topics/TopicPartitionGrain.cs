using GrainFlow.Errors;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Storage;
using GrainFlow.Topics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace GrainFlow.Runtime.Topics;

/// <summary>
/// One partition of a topic: an append-only log of segments in the object store. Appends go to the
/// last segment (one storage append per call) until it reaches the segment size; readers find the
/// segment holding their offset through a sparse in-memory index. All state is rebuilt from storage
/// on activation, so a partition survives any silo restart.
/// </summary>
internal sealed partial class TopicPartitionGrain(GrainFlowStores stores, TimeProvider time, ILogger<TopicPartitionGrain> logger)
    : Grain, ITopicPartitionGrain
{
    private const int ReadChunkBytes = 1 << 20;

    private readonly List<Segment> _segments = new();
    private IObjectStore Store => stores.Data;
    private string _topic = "";
    private int _partition;
    private TopicSettings _settings = null!;
    private Segment? _active;
    private long _endOffset;
    // Transactions committed as segments: known from the segment names, so a repeated commit is a no-op.
    private readonly HashSet<string> _committedTransactions = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        _topic = key[..slash];
        _partition = int.Parse(key[(slash + 1)..]);
        _settings = await TopicGrain.ReadSettingsAsync(Store, _topic, cancellationToken)
            ?? throw new TopicException($"Topic '{_topic}' does not exist.");
        await foreach (var info in Store.ListAsync(TopicLayout.PartitionPrefix(_topic, _partition), cancellationToken))
        {
            if (TopicLayout.TryParseSegment(info.Key, out var baseOffset, out var transactionId))
            {
                _segments.Add(new Segment(info.Key, baseOffset) { Size = info.Size, LastModified = info.LastModified, IsTransaction = transactionId is not null });
                if (transactionId is not null) _committedTransactions.Add(transactionId);
            }
        }
        _segments.Sort((a, b) => a.BaseOffset.CompareTo(b.BaseOffset));
        for (var i = 0; i + 1 < _segments.Count; i++) _segments[i].Count = _segments[i + 1].BaseOffset - _segments[i].BaseOffset;
        if (_segments.Count > 0) await RecoverLastSegmentAsync(_segments[^1], cancellationToken);
    }

    public async Task<long> AppendAsync(Immutable<TopicRecord[]> records)
    {
        var batch = records.Value;
        if (batch.Length == 0) return _endOffset;
        var bytes = SegmentFormat.Encode(batch, out var frameSizes);
        if (_active is null || (_active.Size > 0 && _active.Size + bytes.Length > _settings.SegmentBytes))
        {
            _active = new Segment(TopicLayout.SegmentKey(_topic, _partition, _endOffset), _endOffset) { FramePositions = new List<long>() };
            _segments.Add(_active);
        }
        var first = _endOffset;
        var length = await Store.AppendAsync(_active.Key, bytes);
        var position = length - bytes.Length;
        for (var i = 0; i < batch.Length; i++)
        {
            _active.FramePositions!.Add(position);
            position += frameSizes[i];
        }
        _active.Size = length;
        _active.Count += batch.Length;
        _active.LastModified = time.GetUtcNow();
        _endOffset += batch.Length;
        if (_segments.Count > 1) await ApplyRetentionAsync();
        return first;
    }

    public async Task<TopicReadResult> ReadAsync(long fromOffset, int maxRecords)
    {
        var earliest = EarliestOffset;
        if (fromOffset < earliest)
        {
            throw new TopicException($"Offset {fromOffset} of topic '{_topic}' partition {_partition} is no longer retained; the earliest offset is {earliest}.");
        }
        if (fromOffset > _endOffset)
        {
            throw new TopicException($"Offset {fromOffset} of topic '{_topic}' partition {_partition} is beyond the end of the partition ({_endOffset}).");
        }
        var records = new List<StoredTopicRecord>();
        var offset = fromOffset;
        while (records.Count < maxRecords && offset < _endOffset)
        {
            var segment = _segments.Last(s => s.BaseOffset <= offset);
            var positions = await EnsureIndexAsync(segment);
            var ordinal = (int)(offset - segment.BaseOffset);
            var start = positions[ordinal];
            var lastOrdinal = (int)Math.Min(segment.Count, ordinal + (maxRecords - records.Count)) - 1;
            var end = lastOrdinal + 1 < positions.Count ? positions[lastOrdinal + 1] : segment.Size;
            var firstFrameEnd = ordinal + 1 < positions.Count ? positions[ordinal + 1] : segment.Size;
            var length = (int)Math.Max(Math.Min(end - start, ReadChunkBytes), firstFrameEnd - start);
            var data = await Store.ReadRangeAsync(segment.Key, start, length)
                ?? throw new TopicException($"Segment '{segment.Key}' of topic '{_topic}' is missing from {Store.Location}.");
            var consumed = 0;
            while (records.Count < maxRecords && offset < segment.BaseOffset + segment.Count
                   && SegmentFormat.TryDecode(data.AsSpan(consumed), out var record, out var size))
            {
                records.Add(new StoredTopicRecord(_partition, offset, record));
                consumed += size;
                offset++;
            }
            if (consumed == 0) break;
        }
        return new TopicReadResult(records, offset, _endOffset);
    }

    public async Task<bool> CommitStagedAsync(string transactionId)
    {
        var stagedKey = TopicLayout.StagedKey(_topic, _partition, transactionId);
        if (_committedTransactions.Contains(transactionId))
        {
            // Committed before; a crash may have left the staged copy behind.
            await Store.DeleteAsync(stagedKey);
            return true;
        }
        var staged = await Store.GetAsync(stagedKey);
        if (staged is null) return false;
        var (validBytes, positions) = SegmentFormat.Scan(staged.Data);
        if (validBytes != staged.Data.Length)
        {
            throw new TopicException($"Transaction '{transactionId}' staged for topic '{_topic}' partition {_partition} is damaged ({staged.Data.Length - validBytes} bytes after the last valid record); it was not committed.");
        }
        // The staged bytes become a segment of their own, in one atomic write: readers see all of the
        // transaction or none of it, and its name records that it was committed.
        var segment = new Segment(TopicLayout.SegmentKey(_topic, _partition, _endOffset, transactionId), _endOffset)
        {
            Size = staged.Data.Length, Count = positions.Count, FramePositions = positions, LastModified = time.GetUtcNow(), IsTransaction = true,
        };
        await Store.PutAsync(segment.Key, staged.Data, WriteCondition.IfNotExists);
        _segments.Add(segment);
        _committedTransactions.Add(transactionId);
        _endOffset += positions.Count;
        // Plain appends continue in a new segment after it.
        _active = null;
        await Store.DeleteAsync(stagedKey);
        if (_segments.Count > 1) await ApplyRetentionAsync();
        return true;
    }

    public Task<PartitionInfo> GetInfoAsync() =>
        Task.FromResult(new PartitionInfo(_partition, EarliestOffset, _endOffset, _segments.Sum(s => s.Size)));

    public async Task<int> ApplyRetentionAsync()
    {
        var deleted = 0;
        var now = time.GetUtcNow();
        while (_segments.Count > 1)
        {
            var oldest = _segments[0];
            var total = _segments.Sum(s => s.Size);
            var tooBig = _settings.RetentionBytes != TopicSettings.Unlimited && total > _settings.RetentionBytes;
            // The newest segment is never deleted (it is where appends go), so only sealed ones expire.
            var tooOld = _settings.RetentionMs != TopicSettings.Unlimited && now - oldest.LastModified > TimeSpan.FromMilliseconds(_settings.RetentionMs);
            if (!tooBig && !tooOld) break;
            await Store.DeleteAsync(oldest.Key);
            _segments.RemoveAt(0);
            deleted++;
            LogSegmentDeleted(_topic, _partition, oldest.BaseOffset, tooBig ? "size" : "age");
        }
        return deleted;
    }

    private long EarliestOffset => _segments.Count > 0 ? _segments[0].BaseOffset : _endOffset;

    /// <summary>
    /// Counts the valid frames of the newest segment. Anything after them is a torn append from a
    /// crash: it is never read, and the next append starts a fresh segment after the last valid frame.
    /// </summary>
    private async Task RecoverLastSegmentAsync(Segment last, CancellationToken cancellationToken)
    {
        var stored = await Store.GetAsync(last.Key, cancellationToken);
        var (validBytes, positions) = SegmentFormat.Scan(stored?.Data ?? []);
        last.FramePositions = positions;
        last.Count = positions.Count;
        _endOffset = last.BaseOffset + last.Count;
        if (validBytes == last.Size)
        {
            // A committed transaction is never appended to: plain appends start a segment after it.
            if (!last.IsTransaction) _active = last;
            return;
        }
        LogTornTail(_topic, _partition, last.Key, last.Size - validBytes);
        last.Size = validBytes;
        _active = null;
    }

    private async Task<List<long>> EnsureIndexAsync(Segment segment)
    {
        if (segment.FramePositions is { } known) return known;
        var stored = await Store.GetAsync(segment.Key)
            ?? throw new TopicException($"Segment '{segment.Key}' of topic '{_topic}' is missing from {Store.Location}.");
        var (_, positions) = SegmentFormat.Scan(stored.Data);
        if (positions.Count < segment.Count)
        {
            throw new TopicException($"Segment '{segment.Key}' of topic '{_topic}' holds {positions.Count} valid records where {segment.Count} were written: the segment is damaged.");
        }
        // Sealed segments are immutable, so the index stays valid; it is kept dense for simplicity of lookups.
        segment.FramePositions = positions;
        return positions;
    }

    private sealed class Segment(string key, long baseOffset)
    {
        public string Key { get; } = key;

        public long BaseOffset { get; } = baseOffset;

        public long Count { get; set; }

        public long Size { get; set; }

        public DateTimeOffset LastModified { get; set; }

        public List<long>? FramePositions { get; set; }

        /// <summary>A committed transaction: sealed from the start, never appended to.</summary>
        public bool IsTransaction { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic} partition {Partition}: deleted the segment at offset {BaseOffset} ({Reason} retention)")]
    private partial void LogSegmentDeleted(string topic, int partition, long baseOffset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic} partition {Partition}: segment {Key} ends with {Bytes} bytes of a torn append; they are ignored")]
    private partial void LogTornTail(string topic, int partition, string key, long bytes);
}
