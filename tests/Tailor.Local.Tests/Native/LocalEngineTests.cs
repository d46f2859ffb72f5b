using System.Runtime.InteropServices;
using LLama.Native;
using Tailor.Local.Native;

namespace Tailor.Local.Tests.Native;

public class LocalEngineTests
{
    [Fact]
    public void Loads_the_natives_once_and_passes_the_abi_self_test()
    {
        var first = LocalEngine.EnsureLoaded();
        var second = LocalEngine.EnsureLoaded();

        Assert.Same(first, second);
        Assert.Equal(NativeAbiCheck.ExpectedGgmlVersion, first.GgmlVersion);
        Assert.StartsWith(first.GgmlCommit, NativeAbiCheck.ExpectedCommit, StringComparison.Ordinal);
        Assert.Equal(72, first.ModelParamsSize);
        Assert.Equal(160, first.ContextParamsSize);
        Assert.True(first.Location.IsComplete);
        Assert.Equal(CpuVariantDetector.Detect(), first.Location.Variant);
    }

    [Fact]
    public void Concurrent_first_calls_all_see_the_same_load()
    {
        var results = new LocalEngineInfo[8];
        Parallel.For(0, results.Length, i => results[i] = LocalEngine.EnsureLoaded());

        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public unsafe void Our_imports_and_LLamaSharp_share_one_copy_of_each_library()
    {
        var info = LocalEngine.EnsureLoaded();

        // Loading the same path again returns the handle already in the process, so both sides call the same code.
        var llama = NativeLibrary.Load(info.Location.PathOf("llama"));
        var ours = (nint)NativeInterop.llama_print_system_info();
        var theirs = NativeApi.llama_print_system_info();
        var viaHandle = ((delegate* unmanaged<nint>)NativeLibrary.GetExport(llama, "llama_print_system_info"))();

        // llama_print_system_info returns a pointer to one static buffer inside the library.
        Assert.Equal(viaHandle, ours);
        Assert.Equal(viaHandle, theirs);
    }

    [Fact]
    public void Finds_the_natives_of_the_build_output()
    {
        var location = NativeLibraryLocator.Find(CpuVariantDetector.Detect());

        Assert.NotNull(location);
        Assert.Equal("application", location.Source);
    }

    [Fact]
    public void Also_finds_the_natives_in_the_nuget_cache()
    {
        var variant = CpuVariantDetector.Detect();

        var cached = NativeLibraryLocator.Candidates(variant).Where(c => c.Location.Source == "nuget-cache").ToList();

        Assert.Contains(cached, c => c.Complete && c.Location.Variant == variant
            && c.Location.Directory.Contains(Path.Combine("llamasharp.backend.cpu", "0.30.0"), StringComparison.Ordinal));
    }

    [Fact]
    public void Variant_folders_are_tried_from_the_best_down() =>
        Assert.Equal([CpuVariant.Avx2, CpuVariant.Avx, CpuVariant.NoAvx], CpuVariantDetector.FallbackOrder(CpuVariant.Avx2));
}
