using System.Runtime.InteropServices;
using LLama.Native;

namespace Tailor.Local.Native;

/// <summary>
/// Start-up check that the natives are the build Tailor was made for: the exports it calls exist, the
/// build fingerprint matches, and the parameter structs LLamaSharp marshals have the natives' size.
/// A mismatch would otherwise surface as memory corruption or a native abort, which .NET cannot catch.
/// </summary>
internal static class NativeAbiCheck
{
    /// <summary>llama.cpp commit of the natives in LLamaSharp.Backend.Cpu 0.30.0 (build b10221).</summary>
    /// <remarks>
    /// The package's release notes name c0c7e147, but the binaries report 815a2a591 through
    /// <c>ggml_commit()</c>, and their structs have the later layout (<c>load_mode</c>, <c>n_outputs_max</c>, <c>ctx_other</c>).
    /// </remarks>
    public const string ExpectedCommit = "815a2a5915f22ce6a760c676389c5dfe8535c08f";

    public const string ExpectedGgmlVersion = "0.18.0";

    /// <summary>Exports Tailor relies on, per library short name.</summary>
    public static IReadOnlyDictionary<string, string[]> RequiredExports { get; } = new Dictionary<string, string[]>
    {
        ["llama"] =
        [
            "llama_model_load_from_file", "llama_model_save_to_file", "llama_model_default_params", "llama_context_default_params",
            "llama_init_from_model", "llama_decode", "llama_tokenize", "llama_token_to_piece", "llama_vocab_is_eog", "llama_vocab_n_tokens", "llama_vocab_get_attr", "llama_vocab_get_text",
            "llama_model_chat_template",
            "llama_chat_apply_template", "llama_adapter_lora_init", "llama_set_adapters_lora", "llama_get_memory",
            "llama_memory_seq_rm", "llama_sampler_chain_init", "llama_sampler_sample", "llama_log_set", "llama_print_system_info",
        ],
        ["ggml-base"] =
        [
            "ggml_commit", "ggml_version", "ggml_type_size", "ggml_blck_size", "ggml_type_name", "gguf_init_from_file",
            "ggml_opt_fit", "ggml_opt_init", "ggml_opt_epoch", "ggml_backend_tensor_set", "ggml_backend_tensor_get",
        ],
        ["ggml-cpu"] = ["ggml_backend_cpu_init"],
    };

    /// <summary>Checks exports and the build fingerprint; returns the (version, commit) found.</summary>
    public static unsafe (string Version, string Commit) CheckBuild(NativeLibraryLocation location, IReadOnlyDictionary<string, nint> handles)
    {
        foreach (var (library, exports) in RequiredExports)
        {
            var missing = exports.Where(e => !NativeLibrary.TryGetExport(handles[library], e, out _)).ToList();
            if (missing.Count > 0)
            {
                throw Mismatch(location, $"{NativeLibraryLocation.FileName(library)} lacks {string.Join(", ", missing)}");
            }
        }

        var commitFn = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(handles["ggml-base"], "ggml_commit");
        var versionFn = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(handles["ggml-base"], "ggml_version");
        var commit = NativeInteropStrings.Read(commitFn()) ?? "";
        var version = NativeInteropStrings.Read(versionFn()) ?? "";
        if (commit.Length < 7 || !ExpectedCommit.StartsWith(commit, StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch(location, $"found commit {(commit.Length == 0 ? "(none)" : commit)}, ggml {version}");
        }

        return (version, commit);
    }

    /// <summary>
    /// Calls the natives' default-parameter functions into a sentinel-filled buffer and checks that they write
    /// exactly as many bytes as LLamaSharp's struct holds (the last field written must end in the struct's last
    /// 8 bytes, and nothing may be written past it). x64 only: there a struct is returned through a hidden
    /// pointer that is also the return value, so the function can be called as <c>byte* f(byte*)</c>.
    /// </summary>
    public static unsafe (int ModelParams, int ContextParams) CheckStructSizes(NativeLibraryLocation location, nint llama)
    {
        var model = Marshal.SizeOf<LLamaModelParams>();
        var context = Marshal.SizeOf<LLamaContextParams>();
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            ProbeWrittenSize(location, llama, "llama_model_default_params", "llama_model_params", model);
            ProbeWrittenSize(location, llama, "llama_context_default_params", "llama_context_params", context);
        }

        return (model, context);
    }

    private static unsafe void ProbeWrittenSize(NativeLibraryLocation location, nint llama, string function, string structName, int expected)
    {
        const byte Sentinel = 0xCD;
        var buffer = new byte[expected + 256];
        var last = -1;
        // Two sentinels: a byte the native writes equal to one sentinel cannot equal the other.
        foreach (var sentinel in new byte[] { Sentinel, 0x00 })
        {
            Array.Fill(buffer, sentinel);
            var fn = (delegate* unmanaged<byte*, byte*>)NativeLibrary.GetExport(llama, function);
            fixed (byte* p = buffer)
            {
                fn(p);
            }

            last = Math.Max(last, Array.FindLastIndex(buffer, b => b != sentinel));
        }

        var written = last + 1;
        if (written > expected || written <= expected - 8)
        {
            throw Mismatch(location, $"{structName} is {written} bytes in the natives (rounded to fields), LLamaSharp marshals {expected}");
        }
    }

    private static NativeEngineException Mismatch(NativeLibraryLocation location, string found) => new(
        $"The llama.cpp natives are not the ones Tailor was built for: expected commit {ExpectedCommit[..8]} (ggml {ExpectedGgmlVersion}), {found}; loaded from {location.Directory}.",
        $"Reinstall LLamaSharp.Backend.Cpu {NativeLibraryLocator.LLamaSharpVersion()} (dotnet restore --force), or unset {NativeLibraryLocator.DirectoryVariable} if it points at other natives.");
}

/// <summary>Reads native UTF-8 strings without forcing <see cref="NativeInterop"/>'s initialisation.</summary>
internal static unsafe class NativeInteropStrings
{
    public static string? Read(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);
}
