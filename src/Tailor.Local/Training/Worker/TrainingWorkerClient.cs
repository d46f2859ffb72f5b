using System.Diagnostics;
using System.Text.Json;

namespace Tailor.Local.Training.Worker;

/// <summary>
/// Runs a <see cref="TrainingJob"/> in a child process (the <c>Tailor.Local.Worker</c> executable next to the application),
/// so a native abort inside ggml ends the child, not the caller. Relays the child's events, cancels it through its stdin,
/// and turns its end into a result or an exception that carries its last words.
/// </summary>
/// <remarks>Thread-safe: each <see cref="RunAsync"/> starts its own process.</remarks>
public sealed class TrainingWorkerClient
{
    /// <summary>The worker's assembly name; its files sit next to the application that references the worker project.</summary>
    public const string WorkerName = "Tailor.Local.Worker";

    private const int StderrLinesKept = 40;

    /// <param name="workerPath">The worker's apphost or .dll; null: <see cref="WorkerName"/> in the application's folder.</param>
    public TrainingWorkerClient(string? workerPath = null)
    {
        WorkerPath = workerPath ?? Locate();
    }

    /// <summary>The worker that will be started.</summary>
    public string WorkerPath { get; }

    /// <summary>Process id of the running worker (for diagnostics), or null.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>Trains <paramref name="job"/> in a child process.</summary>
    /// <exception cref="TrainingException">The job was refused (bad input) or the run failed; a crash is reported with the child's exit code and output tail.</exception>
    /// <exception cref="TrainingCancelledException">Cancelled; the child wrote a checkpoint first.</exception>
    public async Task<TrainingResult> RunAsync(TrainingJob job, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var process = new Process { StartInfo = StartInfo() };
        var stderr = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.Enqueue(e.Data);
                if (stderr.Count > StderrLinesKept)
                {
                    stderr.Dequeue();
                }
            }
        };

        try
        {
            if (!process.Start())
            {
                throw new TrainingException($"could not start the training worker {WorkerPath}");
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new TrainingException($"could not start the training worker {process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)}: {ex.Message}", ex);
        }

        ProcessId = process.Id;
        process.BeginErrorReadLine();
        await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(job, WorkerProtocol.Json).AsMemory(), CancellationToken.None).ConfigureAwait(false);
        await process.StandardInput.FlushAsync(CancellationToken.None).ConfigureAwait(false);

        // Cancel by asking: the child stops at a step boundary and checkpoints. Killing it would lose the step.
        await using var registration = cancellationToken.Register(() =>
        {
            try
            {
                process.StandardInput.WriteLine(WorkerProtocol.CancelCommand);
                process.StandardInput.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // the child is already gone; its exit is handled below
            }
        }).ConfigureAwait(false);

        TrainingEvent? last = null;
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            TrainingEvent? e;
            try
            {
                e = JsonSerializer.Deserialize<TrainingEvent>(line, WorkerProtocol.Json);
            }
            catch (JsonException)
            {
                lock (stderr)
                {
                    stderr.Enqueue(line); // stray native output on stdout: keep it with the diagnostics
                }

                continue;
            }

            if (e is null)
            {
                continue;
            }

            last = e;
            progress?.Report(e);
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        ProcessId = null;
        return Outcome(process.ExitCode, last, Tail(stderr), cancellationToken);
    }

    private static TrainingResult Outcome(int exitCode, TrainingEvent? last, string stderr, CancellationToken cancellationToken) => last switch
    {
        TrainingCompleted completed when exitCode == WorkerProtocol.ExitCompleted => completed.Result,
        TrainingCancelled cancelled => throw new TrainingCancelledException(cancelled.Step, cancelled.CheckpointPath, cancellationToken),
        TrainingFailed { NativeAbort: true } failed => throw new TrainingException($"the training worker aborted inside ggml (exit code {exitCode}): {failed.Message}"),
        TrainingFailed failed => throw new TrainingException(failed.Message, failed.IsInputError),
        _ => throw new TrainingException(
            $"the training worker ended with exit code {exitCode}{Describe(exitCode)} after {(last is null ? "no event" : $"its last event '{JsonSerializer.Serialize(last, WorkerProtocol.Json)}'")}" +
            (stderr.Length > 0 ? $"; its last output:{Environment.NewLine}{stderr}" : "")),
    };

    private static string Describe(int exitCode) => exitCode switch
    {
        134 => " (SIGABRT: a native abort)",
        137 => " (SIGKILL: killed, perhaps out of memory)",
        139 => " (SIGSEGV: a native crash)",
        _ => "",
    };

    private static string Tail(Queue<string> lines)
    {
        lock (lines)
        {
            return string.Join(Environment.NewLine, lines);
        }
    }

    private ProcessStartInfo StartInfo()
    {
        ProcessStartInfo info;
        if (WorkerPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            info = new ProcessStartInfo(DotnetHost());
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(WorkerPath);
        }
        else
        {
            info = new ProcessStartInfo(WorkerPath);
        }

        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.CreateNoWindow = true;
        // Without this ggml answers an assertion by forking gdb to print a backtrace of the dying process.
        info.Environment["GGML_NO_BACKTRACE"] = "1";
        return info;
    }

    private static string Locate()
    {
        var folder = AppContext.BaseDirectory;
        var dll = Path.Combine(folder, WorkerName + ".dll");
        if (!File.Exists(dll))
        {
            throw new TrainingException($"the training worker {dll} is missing; reference the Tailor.Local.Worker project (or package) from the application");
        }

        // its own apphost when the build copied it; otherwise the dll through the dotnet host
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? WorkerName + ".exe" : WorkerName);
        return File.Exists(apphost) ? apphost : dll;
    }

    /// <summary>The dotnet host running this process, or the one the SDK names, or <c>dotnet</c> on the PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
