using System.Globalization;

namespace Tailor.Local.Training.Checkpoints;

/// <summary>
/// The checkpoints of one run in one folder, named <c>step-000120.ckpt.gguf</c>: finds the newest, names the next, and keeps
/// the last K (older files are deleted only after a newer one is on disk).
/// </summary>
/// <remarks>Not thread-safe; one run owns its folder.</remarks>
internal sealed class CheckpointDirectory(string path, int keep)
{
    private const string Suffix = ".ckpt.gguf";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The file for step <paramref name="step"/>.</summary>
    public string FileFor(long step) => System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture, $"step-{step:D6}{Suffix}"));

    /// <summary>The checkpoint with the highest step, or null.</summary>
    public string? Latest() => List().LastOrDefault().Path;

    /// <summary>Deletes all but the newest K checkpoints (and temporary files left by a crash).</summary>
    public void Prune()
    {
        foreach (var (_, file) in List().SkipLast(keep))
        {
            File.Delete(file);
        }

        if (Directory.Exists(Path))
        {
            foreach (var temporary in Directory.EnumerateFiles(Path, "*" + Suffix + ".tmp"))
            {
                File.Delete(temporary);
            }
        }
    }

    private List<(long Step, string Path)> List()
    {
        if (!Directory.Exists(Path))
        {
            return [];
        }

        var result = new List<(long, string)>();
        foreach (var file in Directory.EnumerateFiles(Path, "step-*" + Suffix))
        {
            var name = System.IO.Path.GetFileName(file);
            if (long.TryParse(name.AsSpan(5, name.Length - 5 - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                result.Add((step, file));
            }
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }
}
