using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Tailor.Local.Native;

/// <summary>
/// Receives llama.cpp/ggml log output (instead of stderr) and forwards whole lines to the current
/// <see cref="ILogger"/>. llama.cpp sends lines in pieces and marks continuations with a level of its own,
/// so pieces are joined per thread until a newline.
/// </summary>
internal static class NativeLogRouter
{
    private static volatile Sink s_sink = new(null, LogLevel.Warning);

    [ThreadStatic] private static StringBuilder? t_line;
    [ThreadStatic] private static LogLevel t_level;

    /// <summary>The delegate handed to the natives; kept in a static so it is never collected.</summary>
    public static readonly NativeLogConfig.LLamaLogCallback Callback = OnNativeLog;

    public static void SetLogger(ILogger? logger, LogLevel minimum) => s_sink = new Sink(logger, minimum);

    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        var line = t_line ??= new StringBuilder();
        if (level != LLamaLogLevel.Continue)
        {
            t_level = level switch
            {
                LLamaLogLevel.Debug => LogLevel.Debug,
                LLamaLogLevel.Info => LogLevel.Information,
                LLamaLogLevel.Warning => LogLevel.Warning,
                LLamaLogLevel.Error => LogLevel.Error,
                _ => LogLevel.Debug,
            };
        }

        line.Append(message);
        if (!message.EndsWith('\n'))
        {
            return;
        }

        var text = line.ToString().TrimEnd('\n');
        line.Clear();
        var sink = s_sink;
        if (sink.Logger is { } logger && t_level >= sink.Minimum && logger.IsEnabled(t_level))
        {
            logger.Log(t_level, new EventId(1000, "LlamaCpp"), "llama.cpp: {Message}", text);
        }
    }

    private sealed record Sink(ILogger? Logger, LogLevel Minimum);
}
