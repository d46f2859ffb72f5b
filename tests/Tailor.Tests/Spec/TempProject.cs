using Tailor.Spec;

namespace Tailor.Tests.Spec;

/// <summary>A throwaway project directory: tests write real files into it and load them.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tailor-spec-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string SpecPath => Path.Combine(Directory, "tailor.yaml");

    /// <summary>Writes <paramref name="content"/> (UTF-8, no BOM) to a path relative to the project; returns the full path.</summary>
    public string Write(string relativePath, string content)
    {
        string path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string relativePath, byte[] content)
    {
        string path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public SpecLoadResult LoadSpec(string yaml)
    {
        Write("tailor.yaml", yaml);
        return SpecLoader.Load(SpecPath);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; never fail a test on cleanup.
        }
    }
}
