using System.Runtime.InteropServices;

namespace Tailor.Local.Native;

/// <summary>One folder holding a complete set of llama.cpp natives (ggml-base, ggml-cpu, ggml, llama, mtmd).</summary>
/// <param name="Directory">Absolute folder of the files.</param>
/// <param name="Variant">The instruction-set build the folder holds.</param>
/// <param name="Source">Where it was found: <c>environment</c>, <c>application</c> or <c>nuget-cache</c>.</param>
public sealed record NativeLibraryLocation(string Directory, CpuVariant Variant, string Source)
{
    /// <summary>Full path of the library with the given short name (<c>llama</c>, <c>ggml-base</c>, ...).</summary>
    public string PathOf(string shortName) => Path.Combine(Directory, FileName(shortName));

    /// <summary>The platform file name of a short library name: <c>libllama.so</c>, <c>llama.dll</c>, <c>libllama.dylib</c>.</summary>
    public static string FileName(string shortName)
    {
        if (OperatingSystem.IsWindows())
        {
            return shortName + ".dll";
        }

        return OperatingSystem.IsMacOS() ? "lib" + shortName + ".dylib" : "lib" + shortName + ".so";
    }

    /// <summary>The runtime identifier folder LLamaSharp uses for this machine (<c>linux-x64</c>, <c>win-x64</c>, ...).</summary>
    public static string RuntimeFolder()
    {
        var arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
        if (OperatingSystem.IsWindows())
        {
            return arm ? "win-arm64" : "win-x64";
        }

        if (OperatingSystem.IsMacOS())
        {
            return arm ? "osx-arm64" : "osx-x64";
        }

        if (arm)
        {
            return "linux-arm64";
        }

        return RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase) ? "linux-musl-x64" : "linux-x64";
    }

    /// <summary>True when every library the engine loads is present in <see cref="Directory"/>.</summary>
    public bool IsComplete => NativeLibraryLocator.RequiredLibraries.All(name => File.Exists(PathOf(name)));
}
