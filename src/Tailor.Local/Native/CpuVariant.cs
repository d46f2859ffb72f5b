using System.Runtime.Intrinsics.X86;

namespace Tailor.Local.Native;

/// <summary>The instruction-set builds of the llama.cpp CPU natives that LLamaSharp.Backend.Cpu ships.</summary>
public enum CpuVariant
{
    /// <summary>Plain x86-64 (or the single build of arm64 and macOS).</summary>
    NoAvx,
    Avx,
    Avx2,
    Avx512,
}

/// <summary>Picks the fastest <see cref="CpuVariant"/> this processor can run.</summary>
public static class CpuVariantDetector
{
    /// <summary>
    /// The best variant this machine supports. AVX-512 needs the F, BW, DQ, CD and VL subsets because
    /// ggml's AVX-512 build is compiled with all five; a processor with only some would fault on load.
    /// </summary>
    public static CpuVariant Detect()
    {
        if (Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512CD.IsSupported && Avx512F.VL.IsSupported)
        {
            return CpuVariant.Avx512;
        }

        if (Avx2.IsSupported && Fma.IsSupported)
        {
            return CpuVariant.Avx2;
        }

        return Avx.IsSupported ? CpuVariant.Avx : CpuVariant.NoAvx;
    }

    /// <summary>The folder name LLamaSharp's package uses for <paramref name="variant"/>.</summary>
    public static string FolderName(CpuVariant variant) => variant switch
    {
        CpuVariant.NoAvx => "noavx",
        CpuVariant.Avx => "avx",
        CpuVariant.Avx2 => "avx2",
        CpuVariant.Avx512 => "avx512",
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>Variants to try, best first, never above what the processor supports.</summary>
    internal static IEnumerable<CpuVariant> FallbackOrder(CpuVariant best)
    {
        for (var v = best; v >= CpuVariant.NoAvx; v--)
        {
            yield return v;
        }
    }
}
