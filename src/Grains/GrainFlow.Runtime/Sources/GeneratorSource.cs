using GrainFlow.Runtime.Api;

namespace GrainFlow.Runtime.Sources;

/// <summary>
/// A deterministic source: sequence numbers 0 … count-1, spread over a fixed number of splits
/// (split s yields s, s + splits, s + 2·splits, …), each mapped through a function. The offset of a
/// split is how many of its numbers were emitted, so a replay from an offset yields exactly the same
/// records.
/// </summary>
public sealed class GeneratorSource<T> : ISource<T>
{
    private static readonly TimeSpan MaxBurst = TimeSpan.FromMilliseconds(20);
    private readonly Func<long, T> _generate;

    /// <param name="count">How many records in all; <see cref="long.MaxValue"/> for an unbounded source.</param>
    /// <param name="generate">Maps a sequence number to a record; must be deterministic.</param>
    /// <param name="splits">Fixed for the life of the job's state; subtask i reads splits i, i+p, …</param>
    /// <param name="recordsPerSecond">Optional rate limit per subtask (0: as fast as possible).</param>
    public GeneratorSource(long count, Func<long, T> generate, int splits = 8, double recordsPerSecond = 0)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), "The record count must not be negative.");
        if (splits < 1) throw new ArgumentOutOfRangeException(nameof(splits), "A generator needs at least one split.");
        Count = count;
        Splits = splits;
        RecordsPerSecond = recordsPerSecond;
        _generate = generate;
    }

    public long Count { get; }

    public int Splits { get; }

    public double RecordsPerSecond { get; }

    public ISourceReader<T> CreateReader(SubtaskInfo subtask) => new Reader(this, subtask);

    private sealed class Reader : ISourceReader<T>
    {
        private readonly GeneratorSource<T> _source;
        private readonly int[] _splits;
        private readonly long[] _next;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private long _emitted;
        private int _cursor;
        private ISourceOutput<T>?[]? _outputs;
        private IReaderOutput<T>? _outputsOwner;

        public Reader(GeneratorSource<T> source, SubtaskInfo subtask)
        {
            _source = source;
            _splits = Enumerable.Range(0, source.Splits).Where(s => s % subtask.Parallelism == subtask.SubtaskIndex).ToArray();
            _next = new long[_splits.Length];
        }

        public IReadOnlyDictionary<string, long> CurrentOffsets =>
            _splits.Select((s, i) => (s, i)).ToDictionary(x => SplitId(x.s), x => _next[x.i]);

        public void SeekTo(IReadOnlyDictionary<string, long> offsets)
        {
            for (var i = 0; i < _splits.Length; i++)
            {
                _next[i] = offsets.TryGetValue(SplitId(_splits[i]), out var offset) ? offset : 0;
            }
        }

        public ValueTask<SourcePollStatus> PollAsync(IReaderOutput<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            var splitOutputs = SplitOutputs(output);
            if (_source.RecordsPerSecond > 0)
            {
                var allowed = (long)(_clock.Elapsed.TotalSeconds * _source.RecordsPerSecond) - _emitted;
                if (allowed <= 0) return ValueTask.FromResult(SourcePollStatus.NothingAvailable);
                // A reader that was not polled for a while (backpressure, a watermark alignment pause) resumes at its
                // rate, not with a burst of every record it missed: at most 20 ms worth of records in one go.
                var burst = Math.Max(1, (long)(_source.RecordsPerSecond * MaxBurst.TotalSeconds));
                if (allowed > burst)
                {
                    _emitted += allowed - burst;
                    allowed = burst;
                }
                maxRecords = (int)Math.Min(maxRecords, allowed);
            }
            var emitted = 0;
            var exhausted = 0;
            while (emitted < maxRecords && exhausted < _splits.Length)
            {
                var i = _cursor;
                _cursor = (_cursor + 1) % _splits.Length;
                var sequence = _splits[i] + _next[i] * _source.Splits;
                if (sequence >= _source.Count || sequence < 0)
                {
                    exhausted++;
                    continue;
                }
                exhausted = 0;
                // Emit a run from one split at a time: cheaper than switching split per record.
                var run = Math.Min(maxRecords - emitted, 64);
                var split = splitOutputs[i]!;
                for (var r = 0; r < run && sequence < _source.Count; r++)
                {
                    split.Collect(_source._generate(sequence));
                    _next[i]++;
                    emitted++;
                    sequence += _source.Splits;
                }
                if (sequence >= _source.Count) output.ReleaseOutputForSplit(SplitId(_splits[i]));
            }
            _emitted += emitted;
            return ValueTask.FromResult(AllDone() ? SourcePollStatus.EndOfInput : SourcePollStatus.MoreAvailable);
        }

        /// <summary>
        /// The output of every split not yet exhausted (null for the others), created at the first poll so
        /// that each split's watermark counts from the start; a split's output is released when it is exhausted.
        /// </summary>
        private ISourceOutput<T>?[] SplitOutputs(IReaderOutput<T> output)
        {
            if (_outputs is null || _outputsOwner != output)
            {
                _outputs = _splits.Select((s, i) => s + _next[i] * _source.Splits < _source.Count ? output.CreateOutputForSplit(SplitId(s)) : null).ToArray();
                _outputsOwner = output;
            }
            return _outputs;
        }

        private bool AllDone()
        {
            for (var i = 0; i < _splits.Length; i++)
            {
                if (_splits[i] + _next[i] * _source.Splits < _source.Count) return false;
            }
            return true;
        }

        private static string SplitId(int split) => $"split-{split}";

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
