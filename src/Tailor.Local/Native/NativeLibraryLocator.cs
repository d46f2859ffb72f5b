using System.Reflection;

namespace Tailor.Local.Native;

/// <summary>
/// Finds the llama.cpp natives: an explicit folder from <c>TAILOR_NATIVE_DIR</c>, then the
/// <c>runtimes/</c> folder LLamaSharp.Backend.Cpu copies next to the application, then the NuGet cache.
/// </summary>
public static class NativeLibraryLocator
{
    /// <summary>Environment variable naming a folder that holds the natives directly (it overrides the search).</summary>
    public const string DirectoryVariable = "TAILOR_NATIVE_DIR";

    /// <summary>Libraries the engine loads, in dependency order.</summary>
    public static IReadOnlyList<string> RequiredLibraries { get; } = ["ggml-base", "ggml-cpu", "ggml", "llama"];

    /// <summary>Every folder that was considered, best first, with whether it is complete; for diagnostics.</summary>
    public static IReadOnlyList<(NativeLibraryLocation Location, bool Complete)> Candidates(CpuVariant best)
    {
        var result = new List<(NativeLibraryLocation, bool)>();
        foreach (var location in EnumerateCandidates(best))
        {
            result.Add((location, location.IsComplete));
        }

        return result;
    }

    /// <summary>The first complete folder for the best variant this machine runs, or null.</summary>
    public static NativeLibraryLocation? Find(CpuVariant best) => EnumerateCandidates(best).FirstOrDefault(l => l.IsComplete);

    private static IEnumerable<NativeLibraryLocation> EnumerateCandidates(CpuVariant best)
    {
        var explicitDirectory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            yield return new NativeLibraryLocation(Path.GetFullPath(explicitDirectory), best, "environment");
        }

        var rid = NativeLibraryLocation.RuntimeFolder();
        var roots = new List<(string Root, string Source)>
        {
            (Path.Combine(AppContext.BaseDirectory, "runtimes"), "application"),
        };
        var assemblyDirectory = Path.GetDirectoryName(typeof(NativeLibraryLocator).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            roots.Add((Path.Combine(assemblyDirectory, "runtimes"), "application"));
        }

        foreach (var cache in NuGetCacheRoots())
        {
            roots.Add((Path.Combine(cache, "llamasharp.backend.cpu", LLamaSharpVersion(), "LLamaSharpRuntimes"), "nuget-cache"));
        }

        foreach (var (root, source) in roots.Distinct())
        {
            var native = Path.Combine(root, rid, "native");
            if (rid is "linux-arm64" || rid.StartsWith("osx", StringComparison.Ordinal))
            {
                // Single build per platform: no instruction-set sub-folders.
                yield return new NativeLibraryLocation(native, CpuVariant.NoAvx, source);
                continue;
            }

            foreach (var variant in CpuVariantDetector.FallbackOrder(best))
            {
                yield return new NativeLibraryLocation(Path.Combine(native, CpuVariantDetector.FolderName(variant)), variant, source);
            }
        }
    }

    private static IEnumerable<string> NuGetCacheRoots()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            yield return configured;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".nuget", "packages");
        }
    }

    /// <summary>The LLamaSharp.Backend.Cpu version Tailor was built against (recorded by the build: LLamaSharp's own assembly version is 0.0.0.0).</summary>
    internal static string LLamaSharpVersion() =>
        typeof(NativeLibraryLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LLamaSharpBackendVersion" && !string.IsNullOrEmpty(a.Value))?.Value
        ?? throw new InvalidOperationException("Tailor.Local was built without the LLamaSharpBackendVersion metadata.");
}
