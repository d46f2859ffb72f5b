using System.Runtime.InteropServices;

namespace Tailor.Local.Native;

/// <summary>
/// Our own bindings to the natives, for what LLamaSharp does not expose. The names resolve, through
/// <see cref="LocalEngine"/>'s import resolver, to the very files LLamaSharp loaded.
/// </summary>
internal static unsafe partial class NativeInterop
{
    internal const string GgmlBase = "ggml-base";
    internal const string Llama = "llama";

    static NativeInterop() => LocalEngine.EnsureLoaded();

    [LibraryImport(GgmlBase)]
    internal static partial byte* ggml_commit();

    [LibraryImport(GgmlBase)]
    internal static partial byte* ggml_version();

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_type_size(int type);

    [LibraryImport(GgmlBase)]
    internal static partial long ggml_blck_size(int type);

    [LibraryImport(GgmlBase)]
    internal static partial byte* ggml_type_name(int type);

    [LibraryImport(Llama)]
    internal static partial byte* llama_print_system_info();

    /// <summary>Reads a NUL-terminated UTF-8 string owned by the natives.</summary>
    internal static string? Utf8(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);
}
