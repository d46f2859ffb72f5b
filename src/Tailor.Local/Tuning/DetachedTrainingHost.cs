using System.Runtime.InteropServices;
using System.Text.Json;
using Tailor.Local.Training;
using Tailor.Local.Training.Worker;

namespace Tailor.Local.Tuning;

/// <summary>
/// The worker side of a local tuning job (<c>Tailor.Local.Worker --job-dir &lt;dir&gt; --attempt &lt;n&gt;</c>): runs the job's
/// <see cref="TrainingJob"/> detached from the process that started it, so training outlives the CLI. It holds the job's
/// lock for its whole life, writes its events to the job's event log instead of stdout, stops (after a checkpoint) when
/// the cancel file appears or on SIGTERM, and ignores the terminal's Ctrl+C and hang-up: those belong to the CLI.
/// </summary>
public static class DetachedTrainingHost
{
    /// <summary>The line the worker prints once it holds the lock; the launcher waits for it, then lets go.</summary>
    public const string ReadyLine = "tailor-worker-ready";

    private static readonly Lock s_writeGate = new();
    private static StreamWriter? s_events;

    /// <summary>Runs the job in <paramref name="directory"/>; returns the process exit code (<see cref="WorkerProtocol"/>'s).</summary>
    public static int Run(string directory, int attempt)
    {
        var files = new LocalJobFiles(directory);

        // 1. the lock, for as long as this process lives: how everyone else knows it is alive
        var held = AcquireLock(files);
        if (held is null)
        {
            Console.Out.WriteLine($"another worker holds {files.Lock}");
            return WorkerProtocol.ExitBadInput;
        }

        using var lockStream = held;
        using var cancel = new CancellationTokenSource();
        var signals = new List<PosixSignalRegistration>();
        Register(signals, PosixSignal.SIGTERM, cancel);
        Register(signals, PosixSignal.SIGINT, null);
        Register(signals, PosixSignal.SIGHUP, null);
        Register(signals, PosixSignal.SIGQUIT, null);
        try
        {
            // 2. open the log, say so, and stop using the launcher's pipes (it closes them after the handshake)
            using var events = new StreamWriter(new FileStream(files.Events, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            using var log = new StreamWriter(new FileStream(files.Log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            s_events = events;
            TrainingJob? job;
            try
            {
                job = JsonSerializer.Deserialize<TrainingJob>(File.ReadAllText(files.Job), WorkerProtocol.Json);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                Console.Out.WriteLine($"cannot read {files.Job}: {e.Message}");
                return WorkerProtocol.ExitBadInput;
            }

            if (job is null)
            {
                Console.Out.WriteLine($"{files.Job} holds no job");
                return WorkerProtocol.ExitBadInput;
            }

            WriteLine(LocalEventLine.FormatAttempt(attempt, Environment.ProcessId, job.ResumeFrom, DateTimeOffset.UtcNow));
            Console.Out.WriteLine(ReadyLine);
            Console.Out.Flush();
            Console.SetOut(log);
            Console.SetError(log);

            // 3. the cancel request is a file, so any process (a later CLI) can make it
            var watcher = new Thread(() =>
            {
                while (!cancel.IsCancellationRequested)
                {
                    if (File.Exists(files.CancelRequest))
                    {
                        cancel.Cancel();
                        return;
                    }

                    Thread.Sleep(200);
                }
            }) { IsBackground = true, Name = "tailor-cancel-watch" };
            watcher.Start();

            // 4. train (a ggml assertion still kills the process, so it says why first)
            return WorkerTraining.Run(job, Write, cancel.Token);
        }
        finally
        {
            foreach (var signal in signals)
            {
                signal.Dispose();
            }
        }
    }

    private static FileStream? AcquireLock(LocalJobFiles files)
    {
        // Someone may be probing the lock at this instant; they let go within microseconds.
        for (int i = 0; i < 50; i++)
        {
            try
            {
                return new FileStream(files.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }

        return null;
    }

    private static void Register(List<PosixSignalRegistration> registrations, PosixSignal signal, CancellationTokenSource? cancel)
    {
        try
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                cancel?.Cancel();
            }));
        }
        catch (PlatformNotSupportedException)
        {
            // not every signal exists everywhere; the cancel file works on every platform
        }
    }

    private static void Write(TrainingEvent e) => WriteLine(LocalEventLine.Format(e, DateTimeOffset.UtcNow));

    private static void WriteLine(string line)
    {
        lock (s_writeGate)
        {
            s_events?.WriteLine(line);
        }
    }
}
