using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RpsServerless.Integration.Tests;

/// <summary>One log event as a sink would keep it: level, event id, rendered message and structured values.</summary>
public sealed record RecordedLogEvent(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values);

/// <summary>A logger provider that keeps every event, added to a devhost's services by a fixture.</summary>
public sealed class RecordedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<RecordedLogEvent> _events = new();

    public IReadOnlyList<RecordedLogEvent> Events => _events.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : new Dictionary<string, object?>();
            owner._events.Enqueue(new RecordedLogEvent(category, logLevel, eventId, formatter(state, exception), values));
        }
    }
}
