namespace Tailor.Local.Gguf;

/// <summary>bfloat16 conversion as ggml does it: round to nearest even, NaN kept quiet.</summary>
internal static class BFloat16
{
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffff) > 0x7f800000)
        {
            return (ushort)((bits >> 16) | 64);
        }

        return (ushort)((bits + (0x7fff + ((bits >> 16) & 1))) >> 16);
    }

    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
