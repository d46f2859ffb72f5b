using Tailor.Local.Gguf;
using Tailor.Local.Native;

namespace Tailor.Local.Tests.Gguf;

public class GgufRoundTripTests
{
    private static GgufMetadata EveryType() => new GgufMetadata()
        .Set("t.u8", GgufValue.UInt8(250))
        .Set("t.i8", GgufValue.Int8(-120))
        .Set("t.u16", GgufValue.UInt16(65000))
        .Set("t.i16", GgufValue.Int16(-32000))
        .Set("t.u32", GgufValue.UInt32(4_000_000_000))
        .Set("t.i32", GgufValue.Int32(-2_000_000_000))
        .Set("t.u64", GgufValue.UInt64(18_000_000_000_000_000_000))
        .Set("t.i64", GgufValue.Int64(-9_000_000_000_000_000_000))
        .Set("t.f32", GgufValue.Float32(3.25f))
        .Set("t.f64", GgufValue.Float64(-1e-300))
        .Set("t.bool", GgufValue.Bool(true))
        .Set("t.string", GgufValue.String("héllo ▁ 🙂 \n\0 end"))
        .Set("t.empty", GgufValue.String(""))
        .Set("a.u8", GgufValue.Array(new byte[] { 0, 1, 255 }))
        .Set("a.i8", GgufValue.Array(new sbyte[] { -128, 0, 127 }))
        .Set("a.u16", GgufValue.Array(new ushort[] { 0, 65535 }))
        .Set("a.i16", GgufValue.Array(new short[] { -32768, 32767 }))
        .Set("a.u32", GgufValue.Array(new uint[] { 0, uint.MaxValue }))
        .Set("a.i32", GgufValue.Array(new[] { int.MinValue, 0, int.MaxValue }))
        .Set("a.u64", GgufValue.Array(new[] { ulong.MaxValue }))
        .Set("a.i64", GgufValue.Array(new[] { long.MinValue, long.MaxValue }))
        .Set("a.f32", GgufValue.Array(new[] { -0.5f, float.Epsilon, float.MaxValue }))
        .Set("a.f64", GgufValue.Array(new[] { Math.PI, double.MinValue }))
        .Set("a.bool", GgufValue.Array(new[] { true, false, true }))
        .Set("a.string", GgufValue.Array(new[] { "", "a", "▁b", "<0x0A>", "日本語" }))
        .Set("a.empty", GgufValue.Array(Array.Empty<float>()));

    [Fact]
    public void Every_metadata_type_round_trips_in_order()
    {
        using var dir = new TempDirectory();
        var writer = new GgufWriter();
        foreach (var (key, value) in EveryType())
        {
            writer.Metadata.Set(key, value);
        }

        writer.Write(dir.File("m.gguf"));
        using var file = GgufFile.Open(dir.File("m.gguf"));

        Assert.Equal(3u, file.Version);
        Assert.Equal(EveryType().Keys, file.Metadata.Keys);
        foreach (var (key, value) in EveryType())
        {
            Assert.Equal(value, file.Metadata[key]);
            Assert.Equal(value.Type, file.Metadata[key].Type);
            Assert.Equal(value.ElementType, file.Metadata[key].ElementType);
        }
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void Tensors_round_trip_at_the_alignment(int alignment)
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        var a = Enumerable.Range(0, 3 * 5).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, 7).Select(i => i * 0.25f).ToArray();
        var c = Enumerable.Range(0, 2 * 3 * 4).Select(i => i - 10f).ToArray();
        var writer = new GgufWriter { Alignment = alignment };
        writer.Metadata.Set(GgufKeys.Architecture, GgufValue.String("test"));
        writer.AddTensor("a", [3, 5], a)
              .AddTensor("b", [7], b, GgmlType.F16)
              .AddTensor("c", [2, 3, 4], c, GgmlType.BF16);

        writer.Write(dir.File("t.gguf"));
        using var file = GgufFile.Open(dir.File("t.gguf"));

        Assert.Equal(alignment, file.Alignment);
        Assert.Equal(0, file.DataOffset % alignment);
        Assert.All(file.Tensors, t => Assert.Equal(0, t.Offset % alignment));
        Assert.Equal(["a", "b", "c"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3L, 5L], file.Tensors[0].Shape);
        Assert.Equal(GgmlType.F16, file.Tensors[1].Type);
        Assert.Equal(a, file.ReadTensorAsSingle(file.Tensors[0]));
        Assert.Equal(b.Select(x => (float)(Half)x), file.ReadTensorAsSingle(file.Tensors[1]));
        Assert.Equal(c, file.ReadTensorAsSingle(file.Tensors[2])); // small integers are exact in bf16
        Assert.Equal(0, file.FileSize % alignment);
    }

    [Fact]
    public void A_truncated_file_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        var writer = new GgufWriter();
        writer.Metadata.Set("k", GgufValue.Array(new[] { "one", "two" }));
        writer.AddTensor("w", [64], new float[64]);
        writer.Write(dir.File("full.gguf"));
        var bytes = File.ReadAllBytes(dir.File("full.gguf"));
        File.WriteAllBytes(dir.File("cut.gguf"), bytes[..^100]);
        File.WriteAllBytes(dir.File("header.gguf"), bytes[..30]);
        File.WriteAllBytes(dir.File("other.gguf"), "not a model at all"u8.ToArray());

        Assert.Contains("cut.gguf", Assert.Throws<GgufFormatException>(() => GgufFile.Open(dir.File("cut.gguf"))).Message);
        Assert.Contains("header.gguf", Assert.Throws<GgufFormatException>(() => GgufFile.Open(dir.File("header.gguf"))).Message);
        Assert.Contains("magic", Assert.Throws<GgufFormatException>(() => GgufFile.Open(dir.File("other.gguf"))).Message);
    }

    [Fact]
    public unsafe void The_type_table_matches_the_natives()
    {
        LocalEngine.EnsureLoaded();
        foreach (var type in GgmlTypeTraits.All)
        {
            Assert.Equal(NativeInterop.ggml_blck_size((int)type), GgmlTypeTraits.BlockSize(type));
            Assert.Equal((int)NativeInterop.ggml_type_size((int)type), GgmlTypeTraits.TypeSize(type));
            Assert.Equal(NativeInterop.Utf8(NativeInterop.ggml_type_name((int)type)), GgmlTypeTraits.Name(type));
        }
    }
}
