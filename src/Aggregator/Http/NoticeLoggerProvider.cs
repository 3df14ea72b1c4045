using Chorus.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Aggregator.Http;

/// <summary>
/// ASP.NET Core's log (Kestrel's warnings, mostly) in the one voice on stderr, one line each (<see cref="Notice"/>),
/// instead of the console logger's own two-line format.
/// </summary>
public sealed class NoticeLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new NoticeLogger();

    public void Dispose()
    {
    }

    private sealed class NoticeLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = logLevel switch
            {
                >= LogLevel.Error => NoticeLevel.Error,
                LogLevel.Warning => NoticeLevel.Warning,
                LogLevel.Information => NoticeLevel.Notice,
                _ => NoticeLevel.Debug,
            };
            var cause = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            Notice.Write(level, formatter(state, exception) + cause);
        }
    }
}
