namespace Tailor.Local.Tuning;

/// <summary>
/// The layout of a local tuning job's work directory: the trainer's job, the worker's event log, the lock that proves the
/// worker alive, the cancel request, the worker's own log, the checkpoints and the output. Any process can read a local
/// job's state from these files alone.
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed class LocalJobFiles(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The <c>TrainingJob</c> the worker runs, as JSON (rewritten with <c>ResumeFrom</c> before a resume).</summary>
    public string Job => Path.Combine(Directory, "job.json");

    /// <summary>One JSON line per worker event, each attempt opened by an <c>attempt</c> line; appended, never rewritten.</summary>
    public string Events => Path.Combine(Directory, "events.jsonl");

    /// <summary>Held exclusively by the running worker; the operating system lets go of it when the worker dies, however it dies.</summary>
    public string Lock => Path.Combine(Directory, "worker.lock");

    /// <summary>Its existence asks the worker to checkpoint and stop.</summary>
    public string CancelRequest => Path.Combine(Directory, "cancel");

    /// <summary>What the worker printed (diagnostics, a crash's stack trace).</summary>
    public string Log => Path.Combine(Directory, "worker.log");

    public string Checkpoints => Path.Combine(Directory, "checkpoints");

    public string RunRecord => Path.Combine(Directory, "run.json");

    public string Output(bool adapter) => Path.Combine(Directory, adapter ? "adapter.gguf" : "model.gguf");

    /// <summary>Whether a worker holds the lock right now.</summary>
    public bool IsWorkerAlive()
    {
        if (!File.Exists(Lock))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(Lock, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true; // held: the worker runs
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The newest checkpoint file, or null.</summary>
    public string? LatestCheckpoint() =>
        System.IO.Directory.Exists(Checkpoints)
            ? System.IO.Directory.GetFiles(Checkpoints, "*.ckpt.gguf").Order(StringComparer.Ordinal).LastOrDefault()
            : null;
}
