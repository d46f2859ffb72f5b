using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Local.Training.Worker;

/// <summary>
/// The conversation between a parent and a training worker process, over the worker's standard streams:
/// <list type="bullet">
/// <item>stdin, first line: the <see cref="TrainingJob"/> as JSON; later lines: <c>cancel</c>. End of input also cancels, so a
/// worker whose parent died checkpoints and stops.</item>
/// <item>stdout: one <see cref="TrainingEvent"/> per line as JSON (<c>{"event":"step",...}</c>), ending with
/// <c>completed</c>, <c>cancelled</c> or <c>failed</c>; a ggml assertion is reported as <c>failed</c> with
/// <c>nativeAbort: true</c> just before the process aborts.</item>
/// <item>stderr: free text for diagnostics (the parent keeps its tail).</item>
/// <item>exit code: <see cref="ExitCompleted"/>, <see cref="ExitFailed"/>, <see cref="ExitBadInput"/>, <see cref="ExitCancelled"/>;
/// anything else is a crash (134 is SIGABRT, a native abort).</item>
/// </list>
/// </summary>
public static class WorkerProtocol
{
    public const int ExitCompleted = 0;
    public const int ExitFailed = 1;
    public const int ExitBadInput = 2;
    public const int ExitCancelled = 130;

    /// <summary>The control line that cancels the run.</summary>
    public const string CancelCommand = "cancel";

    /// <summary>JSON settings of both sides: camelCase, enums as kebab-case strings, one line per message.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
