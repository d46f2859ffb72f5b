using Microsoft.Extensions.Logging;
using Tailor.Local.Inference;

namespace Tailor.Local.Tests.Native;

public class NativeLogTests
{
    [Fact]
    public void Native_log_lines_reach_the_logger_whole_and_at_their_level()
    {
        var logger = new ListLogger();
        LocalEngine.EnsureLoaded();
        LocalEngine.SetLogger(logger, LogLevel.Debug);
        try
        {
            using var model = LocalModel.Load(TestModels.RandomModel);
        }
        finally
        {
            LocalEngine.SetLogger(null);
        }

        var lines = logger.Lines;
        Assert.Contains(lines, l => l.Level == LogLevel.Information && l.Message.Contains("llama_model_loader", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain('\n', l.Message));
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Message)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
