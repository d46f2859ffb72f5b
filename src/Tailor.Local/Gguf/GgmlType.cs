namespace Tailor.Local.Gguf;

/// <summary>ggml tensor element types, with the numbers the GGUF format stores (this build has 42; 4, 5, 31-33 and 36-38 are retired).</summary>
public enum GgmlType
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
    NVFP4 = 40,
    Q1_0 = 41,
}

/// <summary>Block layout of each <see cref="GgmlType"/>: how many elements a block holds and how many bytes it takes.</summary>
/// <remarks>The table matches <c>ggml_blck_size</c>/<c>ggml_type_size</c> of the bundled natives (a test checks every entry).</remarks>
public static class GgmlTypeTraits
{
    private static readonly Dictionary<GgmlType, (int BlockSize, int TypeSize, string Name)> s_traits = new()
    {
        [GgmlType.F32] = (1, 4, "f32"),
        [GgmlType.F16] = (1, 2, "f16"),
        [GgmlType.Q4_0] = (32, 18, "q4_0"),
        [GgmlType.Q4_1] = (32, 20, "q4_1"),
        [GgmlType.Q5_0] = (32, 22, "q5_0"),
        [GgmlType.Q5_1] = (32, 24, "q5_1"),
        [GgmlType.Q8_0] = (32, 34, "q8_0"),
        [GgmlType.Q8_1] = (32, 36, "q8_1"),
        [GgmlType.Q2_K] = (256, 84, "q2_K"),
        [GgmlType.Q3_K] = (256, 110, "q3_K"),
        [GgmlType.Q4_K] = (256, 144, "q4_K"),
        [GgmlType.Q5_K] = (256, 176, "q5_K"),
        [GgmlType.Q6_K] = (256, 210, "q6_K"),
        [GgmlType.Q8_K] = (256, 292, "q8_K"),
        [GgmlType.IQ2_XXS] = (256, 66, "iq2_xxs"),
        [GgmlType.IQ2_XS] = (256, 74, "iq2_xs"),
        [GgmlType.IQ3_XXS] = (256, 98, "iq3_xxs"),
        [GgmlType.IQ1_S] = (256, 50, "iq1_s"),
        [GgmlType.IQ4_NL] = (32, 18, "iq4_nl"),
        [GgmlType.IQ3_S] = (256, 110, "iq3_s"),
        [GgmlType.IQ2_S] = (256, 82, "iq2_s"),
        [GgmlType.IQ4_XS] = (256, 136, "iq4_xs"),
        [GgmlType.I8] = (1, 1, "i8"),
        [GgmlType.I16] = (1, 2, "i16"),
        [GgmlType.I32] = (1, 4, "i32"),
        [GgmlType.I64] = (1, 8, "i64"),
        [GgmlType.F64] = (1, 8, "f64"),
        [GgmlType.IQ1_M] = (256, 56, "iq1_m"),
        [GgmlType.BF16] = (1, 2, "bf16"),
        [GgmlType.TQ1_0] = (256, 54, "tq1_0"),
        [GgmlType.TQ2_0] = (256, 66, "tq2_0"),
        [GgmlType.MXFP4] = (32, 17, "mxfp4"),
        [GgmlType.NVFP4] = (64, 36, "nvfp4"),
        [GgmlType.Q1_0] = (128, 18, "q1_0"),
    };

    /// <summary>Every type this table knows.</summary>
    public static IEnumerable<GgmlType> All => s_traits.Keys;

    public static bool IsKnown(GgmlType type) => s_traits.ContainsKey(type);

    /// <summary>Elements per block (1 for plain types).</summary>
    public static int BlockSize(GgmlType type) => Get(type).BlockSize;

    /// <summary>Bytes per block.</summary>
    public static int TypeSize(GgmlType type) => Get(type).TypeSize;

    /// <summary>ggml's name of the type (<c>f16</c>, <c>q4_K</c>, ...).</summary>
    public static string Name(GgmlType type) => s_traits.TryGetValue(type, out var t) ? t.Name : $"type{(int)type}";

    /// <summary>Bytes taken by <paramref name="elementCount"/> elements; the count must fill whole blocks.</summary>
    public static long ByteSize(GgmlType type, long elementCount)
    {
        var (block, size, name) = Get(type);
        if (elementCount % block != 0)
        {
            throw new ArgumentException($"{elementCount} elements do not fill whole {name} blocks of {block}.", nameof(elementCount));
        }

        return elementCount / block * size;
    }

    private static (int BlockSize, int TypeSize, string Name) Get(GgmlType type) =>
        s_traits.TryGetValue(type, out var t) ? t : throw new NotSupportedException($"ggml type {(int)type} is unknown to this build.");
}
