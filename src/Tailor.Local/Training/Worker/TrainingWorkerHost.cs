using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tailor.Local.Training.Worker;

/// <summary>
/// The child side of <see cref="WorkerProtocol"/>: reads a job from stdin, trains with <see cref="LocalTrainer"/>, writes
/// events to stdout. The <c>Tailor.Local.Worker</c> executable is this one call; nothing else runs in that process, so its
/// cores and its fate belong to the run.
/// </summary>
public static class TrainingWorkerHost
{
    private static readonly Lock s_writeGate = new();
    private static TextWriter? s_output;

    /// <summary>Runs one job; returns the process exit code.</summary>
    public static int Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        s_output = output;

        // 1. the job
        TrainingJob? job;
        try
        {
            job = JsonSerializer.Deserialize<TrainingJob>(input.ReadLine() ?? "", WorkerProtocol.Json);
        }
        catch (JsonException ex)
        {
            Write(new TrainingFailed($"the worker received an unreadable job: {ex.Message}", IsInputError: true));
            return WorkerProtocol.ExitBadInput;
        }

        if (job is null)
        {
            Write(new TrainingFailed("the worker received no job", IsInputError: true));
            return WorkerProtocol.ExitBadInput;
        }

        // 2. cancellation: a "cancel" line, the end of stdin (the parent is gone), Ctrl+C or SIGTERM
        using var cancel = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            while (input.ReadLine() is { } line)
            {
                if (line.Trim() == WorkerProtocol.CancelCommand)
                {
                    break;
                }
            }

            cancel.Cancel();
        }) { IsBackground = true, Name = "tailor-worker-stdin" };
        reader.Start();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });

        // 3. train (a ggml assertion still kills the process, so it says why first)
        return WorkerTraining.Run(job, Write, cancel.Token);
    }

    private static void Write(TrainingEvent e)
    {
        var line = JsonSerializer.Serialize(e, WorkerProtocol.Json);
        lock (s_writeGate)
        {
            s_output!.WriteLine(line);
            s_output.Flush();
        }
    }
}
