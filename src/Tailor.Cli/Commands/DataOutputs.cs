namespace Tailor.Cli.Commands;

/// <summary>
/// The files a data command writes, written beside their final names under a temporary name and
/// moved into place only by <see cref="Commit"/>: a command that fails or is cancelled halfway leaves
/// no half-written file behind, and never replaces a good one.
/// </summary>
/// <remarks>Not thread-safe: one per command run.</remarks>
internal sealed class DataOutputs : IDisposable
{
    private readonly List<(string Temporary, string Final)> _files = [];
    private bool _committed;

    /// <summary>A new file that becomes <paramref name="path"/> on commit.</summary>
    public FileStream Create(string path)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{_files.Count}.partial";
        _files.Add((temporary, path));
        return DataFiles.Create(temporary);
    }

    /// <summary>Moves every file into place; call once all of them are closed.</summary>
    public void Commit()
    {
        foreach (var (temporary, final) in _files)
        {
            File.Move(temporary, final, overwrite: true);
        }
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }
        foreach (var (temporary, _) in _files)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: a leftover .partial file is visible and harmless.
            }
        }
    }
}
