using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tailor.Local.Native;

namespace Tailor.Local.Training.Worker;

/// <summary>
/// What every worker process does once it has its job: loads the natives, arranges for a ggml assertion to say why before
/// it kills the process, trains, and turns the outcome into a last event and an exit code. The hosts differ only in
/// where events go (stdout for <see cref="TrainingWorkerHost"/>, the job's event log for a detached tuning worker) and
/// in how they are asked to stop.
/// </summary>
/// <remarks>One run per process: the native abort callback is process-wide.</remarks>
public static class WorkerTraining
{
    private static Action<TrainingEvent>? s_write;

    /// <summary>Trains <paramref name="job"/>, handing each event to <paramref name="write"/> on the training thread; returns the process exit code.</summary>
    public static int Run(TrainingJob job, Action<TrainingEvent> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(write);
        s_write = write;
        LocalEngine.EnsureLoaded();
        InstallNativeAbortReporter();
        try
        {
            LocalTrainer.Train(job, new Writer(write), cancellationToken);
            return WorkerProtocol.ExitCompleted;
        }
        catch (TrainingCancelledException)
        {
            return WorkerProtocol.ExitCancelled; // the trainer reported the checkpoint
        }
        catch (TrainingException e)
        {
            write(new TrainingFailed(e.Message, e.IsInputError));
            return e.IsInputError ? WorkerProtocol.ExitBadInput : WorkerProtocol.ExitFailed;
        }
#pragma warning disable CA1031 // the worker's last word: any failure becomes a 'failed' event rather than a lost stack trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            write(new TrainingFailed($"{e.GetType().Name}: {e.Message}", IsInputError: false));
            Console.Error.WriteLine(e);
            return WorkerProtocol.ExitFailed;
        }
    }

    private static unsafe void InstallNativeAbortReporter() =>
        Ggml.ggml_set_abort_callback((nint)(delegate* unmanaged[Cdecl]<nint, void>)&OnNativeAbort);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnNativeAbort(nint message) =>
        s_write?.Invoke(new TrainingFailed("ggml aborted: " + (Marshal.PtrToStringUTF8(message) ?? "(no message)"), IsInputError: false, NativeAbort: true));

    /// <summary>Reports synchronously, in order, on the training thread.</summary>
    private sealed class Writer(Action<TrainingEvent> write) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => write(value);
    }
}
