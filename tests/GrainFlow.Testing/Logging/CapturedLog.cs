using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrainFlow.Testing.Logging;

/// <summary>One line a logger wrote: its category, level and formatted message.</summary>
public sealed record CapturedLogLine(string Category, LogLevel Level, string Message);

/// <summary>
/// A logger provider that keeps what the loggers of the given categories write, for tests that check a log line
/// (add it with <c>silo.Services.AddLogging(l => l.AddProvider(log))</c>). Categories are matched by prefix.
/// </summary>
public sealed class CapturedLog(params string[] categoryPrefixes) : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogLine> _lines = new();

    public IReadOnlyCollection<CapturedLogLine> Lines => _lines;

    /// <summary>The messages at <paramref name="level"/> or above.</summary>
    public IEnumerable<string> Messages(LogLevel level = LogLevel.Trace) => _lines.Where(l => l.Level >= level).Select(l => l.Message);

    public ILogger CreateLogger(string categoryName) =>
        categoryPrefixes.Any(p => categoryName.StartsWith(p, StringComparison.Ordinal))
            ? new Collector(categoryName, _lines)
            : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Collector(string category, ConcurrentQueue<CapturedLogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new CapturedLogLine(category, logLevel, formatter(state, exception)));
    }
}
