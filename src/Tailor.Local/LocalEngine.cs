using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Tailor.Local.Native;

namespace Tailor.Local;

/// <summary>
/// Loads the llama.cpp natives once per process: picks the CPU variant the machine supports, loads one copy
/// of ggml-base, ggml-cpu, ggml and llama, points LLamaSharp at the same files, resolves Tailor's own
/// <c>[LibraryImport]</c> names to them, checks the ABI, and routes native logs to an <see cref="ILogger"/>.
/// </summary>
/// <remarks>
/// Thread-safe and idempotent: every entry point of Tailor.Local calls <see cref="EnsureLoaded"/> first, so
/// callers only need it to fail early (e.g. in a <c>doctor</c> command). It must run before any other code uses
/// LLamaSharp, because LLamaSharp's native configuration is frozen on its first native call.
/// </remarks>
public static class LocalEngine
{
    private static readonly Lock s_gate = new();
    private static LocalEngineInfo? s_info;
    private static Exception? s_failure;
    private static Dictionary<string, nint> s_handles = new(StringComparer.Ordinal);

    /// <summary>What was loaded, or null before a successful <see cref="EnsureLoaded"/>.</summary>
    public static LocalEngineInfo? Info => Volatile.Read(ref s_info);

    /// <summary>
    /// Sends llama.cpp/ggml log lines at or above <paramref name="minimum"/> to <paramref name="logger"/>
    /// (null: discard them). May be called at any time, before or after loading.
    /// </summary>
    public static void SetLogger(ILogger? logger, LogLevel minimum = LogLevel.Warning) => NativeLogRouter.SetLogger(logger, minimum);

    /// <summary>Loads and checks the natives if not done yet; returns what was loaded.</summary>
    /// <exception cref="NativeEngineException">The natives are missing, fail to load, or are another build; the failure is remembered.</exception>
    public static LocalEngineInfo EnsureLoaded()
    {
        if (Volatile.Read(ref s_info) is { } loaded)
        {
            return loaded;
        }

        lock (s_gate)
        {
            if (s_info is not null)
            {
                return s_info;
            }

            // A failed load leaves the process in a state a retry cannot fix (LLamaSharp's config is frozen).
            if (s_failure is not null)
            {
                throw new NativeEngineException(s_failure.Message, (s_failure as NativeEngineException)?.Hint ?? "", s_failure);
            }

            try
            {
                Volatile.Write(ref s_info, Load());
                return s_info!;
            }
            catch (Exception ex)
            {
                s_failure = ex;
                throw;
            }
        }
    }

    private static LocalEngineInfo Load()
    {
        var clock = Stopwatch.StartNew();
        if (NativeLibraryConfig.LLama.LibraryHasLoaded)
        {
            throw new NativeEngineException(
                "LLamaSharp loaded its natives before Tailor could choose them.",
                "Call Tailor.Local.LocalEngine.EnsureLoaded() before any other use of LLamaSharp.");
        }

        var best = CpuVariantDetector.Detect();
        var location = NativeLibraryLocator.Find(best) ?? throw NotFound(best);

        var handles = new Dictionary<string, nint>(StringComparer.Ordinal);
        foreach (var name in NativeLibraryLocator.RequiredLibraries)
        {
            var path = location.PathOf(name);
            try
            {
                handles[name] = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException ex)
            {
                throw new NativeEngineException(
                    $"Could not load {path}: {ex.Message}",
                    "Check its dependencies with `ldd` (libgomp, libstdc++) or set TAILOR_NATIVE_DIR to a folder of working natives.", ex);
            }
        }

        var (version, commit) = NativeAbiCheck.CheckBuild(location, handles);
        var (modelSize, contextSize) = NativeAbiCheck.CheckStructSizes(location, handles["llama"]);

        // Same files for LLamaSharp: dlopen of an already loaded path returns the same handle, so one copy runs.
        var mtmd = location.PathOf("mtmd");
        NativeLibraryConfig.All
            .WithLibrary(location.PathOf("llama"), File.Exists(mtmd) ? mtmd : null)
            .WithCuda(false)
            .WithVulkan(false)
            .WithAutoFallback(false)
            .WithLogCallback(NativeLogRouter.Callback);

        s_handles = handles;
        NativeLibrary.SetDllImportResolver(typeof(LocalEngine).Assembly, Resolve);

        NativeApi.llama_empty_call();
        if (NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama) is null)
        {
            throw new NativeEngineException($"LLamaSharp did not load {location.PathOf("llama")}.", "Run with a logger (LocalEngine.SetLogger) to see LLamaSharp's loading trace.");
        }

        var systemInfo = Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info()) ?? "";
        return new LocalEngineInfo(location, version, commit, systemInfo.Trim(), modelSize, contextSize, clock.Elapsed);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var key = name.StartsWith("lib", StringComparison.Ordinal) ? name[3..] : name;
        key = Path.GetFileNameWithoutExtension(key) is { Length: > 0 } stem && key.EndsWith(".so", StringComparison.Ordinal) ? stem : key;
        return s_handles.TryGetValue(key, out var handle) ? handle : nint.Zero;
    }

    private static NativeEngineException NotFound(CpuVariant best)
    {
        var tried = string.Join("; ", NativeLibraryLocator.Candidates(best).Select(c => c.Location.Directory).Distinct());
        return new NativeEngineException(
            $"The llama.cpp natives were not found for {NativeLibraryLocation.RuntimeFolder()} ({CpuVariantDetector.FolderName(best)} or lower). Looked in: {tried}.",
            $"Reference the LLamaSharp.Backend.Cpu {NativeLibraryLocator.LLamaSharpVersion()} package (it copies runtimes/ next to the application), or set {NativeLibraryLocator.DirectoryVariable}.");
    }
}
