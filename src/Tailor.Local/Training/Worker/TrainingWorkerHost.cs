using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tailor.Local.Native;

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

        // 3. a ggml assertion still kills the process; say why first
        LocalEngine.EnsureLoaded();
        InstallNativeAbortReporter();

        // 4. train
        try
        {
            LocalTrainer.Train(job, new EventWriter(), cancel.Token);
            return WorkerProtocol.ExitCompleted;
        }
        catch (TrainingCancelledException)
        {
            return WorkerProtocol.ExitCancelled; // the trainer reported the checkpoint
        }
        catch (TrainingException ex)
        {
            Write(new TrainingFailed(ex.Message, ex.IsInputError));
            return ex.IsInputError ? WorkerProtocol.ExitBadInput : WorkerProtocol.ExitFailed;
        }
#pragma warning disable CA1031 // the worker's last word: any failure becomes a 'failed' event rather than a stack trace
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Write(new TrainingFailed($"{ex.GetType().Name}: {ex.Message}", IsInputError: false));
            Console.Error.WriteLine(ex);
            return WorkerProtocol.ExitFailed;
        }
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

    private static unsafe void InstallNativeAbortReporter() =>
        Ggml.ggml_set_abort_callback((nint)(delegate* unmanaged[Cdecl]<nint, void>)&OnNativeAbort);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnNativeAbort(nint message) =>
        Write(new TrainingFailed("ggml aborted: " + (Marshal.PtrToStringUTF8(message) ?? "(no message)"), IsInputError: false, NativeAbort: true));

    /// <summary>Reports synchronously, in order, on the training thread.</summary>
    private sealed class EventWriter : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => Write(value);
    }
}
