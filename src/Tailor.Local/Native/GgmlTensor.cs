using System.Runtime.InteropServices;

namespace Tailor.Local.Native;

/// <summary>ggml element types the trainer creates (the GGUF numbering; see <see cref="Gguf.GgmlType"/> for all of them).</summary>
internal enum GgmlElementType
{
    F32 = 0,
    F16 = 1,
    I32 = 26,
}

/// <summary><c>enum ggml_status</c>.</summary>
internal enum GgmlStatus
{
    AllocFailed = -2,
    Failed = -1,
    Success = 0,
    Aborted = 1,
}

/// <summary><c>struct ggml_init_params</c>: 24 bytes <c>{size_t mem_size; void* mem_buffer; bool no_alloc;}</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GgmlInitParams
{
    public nuint MemSize;
    public nint MemBuffer;
    public byte NoAlloc; // C bool
}

/// <summary>
/// <c>struct ggml_tensor</c> of ggml 0.18.0: 336 bytes. Read for shapes, flags and names; never written from C#
/// except <see cref="Flags"/> (there is no "unset param" call in this build).
/// </summary>
/// <remarks>Offsets were checked against the shipped natives with a C probe and <c>Marshal.OffsetOf</c> (trainer notes §3).</remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlTensor
{
    public const int FlagInput = 1;
    public const int FlagOutput = 2;
    public const int FlagParam = 4;
    public const int FlagLoss = 8;

    public int Type;               //   0 (enum ggml_type)
    public nint Buffer;            //   8
    public fixed long Ne[4];       //  16 elements per dimension, ne[0] contiguous
    public fixed ulong Nb[4];      //  48 strides in bytes
    public int Op;                 //  80
    public fixed int OpParams[16]; //  84
    public int Flags;              // 148
    public fixed long Src[10];     // 152 (pointers)
    public nint ViewSrc;           // 232
    public nuint ViewOffs;         // 240
    public nint Data;              // 248
    public fixed byte Name[64];    // 256
    public nint Extra;             // 320
    public fixed long Padding[1];  // 328

    public readonly long ElementCount => Ne[0] * Ne[1] * Ne[2] * Ne[3];

    public readonly string GetName()
    {
        fixed (byte* p = Name)
        {
            return Marshal.PtrToStringUTF8((nint)p) ?? "";
        }
    }
}
