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

    [LibraryImport(Llama)]
    internal static partial nint llama_model_get_vocab(nint model);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_n_tokens(nint vocab);

    /// <summary>The token's <c>llama_token_attr</c> flags (control is 1 &lt;&lt; 3, unknown 1 &lt;&lt; 0).</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_vocab_get_attr(nint vocab, int token);

    /// <summary>The token's text as stored in the vocabulary (UTF-8, owned by the model).</summary>
    [LibraryImport(Llama)]
    internal static partial nint llama_vocab_get_text(nint vocab, int token);

    /// <summary>The model's chat template named <paramref name="name"/> (null: the default), owned by the model; null when it has none.</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* llama_model_chat_template(nint model, string? name);

    /// <summary>Loads a LoRA adapter for <paramref name="model"/>; null when the file is not a compatible adapter.</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint llama_adapter_lora_init(nint model, string path);

    /// <summary>Replaces the context's adapters (all of them, with their scales); 0 on success.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_set_adapters_lora(nint context, nint* adapters, nuint count, float* scales);

    /// <summary>Reads a NUL-terminated UTF-8 string owned by the natives.</summary>
    internal static string? Utf8(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);
}
