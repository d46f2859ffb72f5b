using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using LLama.Native;
using Tailor.Local.Gguf;
using Tailor.Local.Native;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Inference;

/// <summary>
/// A GGUF model loaded into llama.cpp (any llama-family file: Llama, Mistral, Qwen, or one Tailor made), shared
/// by every <see cref="LocalChatClient"/> over it; also owns the LoRA adapters loaded for it.
/// </summary>
/// <remarks>
/// Thread-safe: llama.cpp's model is read-only once loaded and may back many contexts at once. Dispose only when no
/// client uses it any more (the provider keeps one per path for the life of the process).
/// </remarks>
public sealed class LocalModel : IDisposable
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly nint _vocab;
    private readonly ConcurrentDictionary<string, Lazy<nint>> _adapters = new(StringComparer.Ordinal);

    private LocalModel(string path, SafeLlamaModelHandle handle, ModelInfo info, TimeSpan loadTime)
    {
        Path = path;
        _handle = handle;
        _vocab = NativeInterop.llama_model_get_vocab(handle.DangerousGetHandle());
        Info = info;
        LoadTime = loadTime;
        ModelId = string.IsNullOrWhiteSpace(info.Name) ? System.IO.Path.GetFileNameWithoutExtension(path) : info.Name;
        // Not SafeLlamaModelHandle.GetTemplate: it finds the terminator with a vectorised search over a 2 GiB span, whose
        // first load can run past the string into an unmapped page (an access violation that killed a test host).
        unsafe
        {
            ChatTemplate = NativeInterop.Utf8(NativeInterop.llama_model_chat_template(handle.DangerousGetHandle(), null));
        }
        _controlTexts = new Lazy<string[]>(ReadControlTexts);
    }

    private readonly Lazy<string[]> _controlTexts;

    private string[] ReadControlTexts()
    {
        const int Unknown = 1 << 0, Control = 1 << 3;
        var texts = new List<string>();
        int count = NativeInterop.llama_vocab_n_tokens(_vocab);
        for (int token = 0; token < count; token++)
        {
            if ((NativeInterop.llama_vocab_get_attr(_vocab, token) & (Unknown | Control)) != 0
                && System.Runtime.InteropServices.Marshal.PtrToStringUTF8(NativeInterop.llama_vocab_get_text(_vocab, token)) is { Length: > 1 } text)
            {
                texts.Add(text);
            }
        }

        return [.. texts.Distinct(StringComparer.Ordinal)];
    }

    public string Path { get; }

    /// <summary><c>general.name</c>, or the file name without extension.</summary>
    public string ModelId { get; }

    /// <summary>The file's summary (read from its header).</summary>
    public ModelInfo Info { get; }

    /// <summary>The chat template stored in the file, or null.</summary>
    public string? ChatTemplate { get; }

    /// <summary>How long llama.cpp took to load the weights.</summary>
    public TimeSpan LoadTime { get; }

    public int TrainedContextLength => _handle.ContextSize;

    public int VocabularySize => _handle.Vocab.Count;

    internal SafeLlamaModelHandle Handle => _handle;

    /// <summary>Loads <paramref name="path"/>; with <paramref name="useMemoryMap"/> the weights are mapped, not copied.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="GgufFormatException">The file is not GGUF.</exception>
    /// <exception cref="InvalidDataException">llama.cpp refused the file (unknown architecture, missing tensors); its log says why.</exception>
    public static LocalModel Load(string path, bool useMemoryMap = true)
    {
        LocalEngine.EnsureLoaded();
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"No model file at {full}.", full);
        }

        var info = ModelInfo.Read(full);
        var parameters = LLamaModelParams.Default();
        parameters.n_gpu_layers = 0;
        parameters.load_mode = useMemoryMap ? LLamaLoadMode.MemoryMap : LLamaLoadMode.None;
        var clock = Stopwatch.StartNew();
        SafeLlamaModelHandle handle;
        try
        {
            handle = SafeLlamaModelHandle.LoadFromFile(full, parameters);
        }
        catch (LLama.Exceptions.LoadWeightsFailedException ex)
        {
            throw new InvalidDataException(
                $"llama.cpp could not load {full} (architecture '{info.Architecture ?? "none"}'). Route native logs with LocalEngine.SetLogger to see why.", ex);
        }

        return new LocalModel(full, handle, info, clock.Elapsed);
    }

    /// <summary>Tokens of <paramref name="text"/> by llama.cpp's own tokenizer.</summary>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial) =>
        _handle.Tokenize(text, addSpecial, parseSpecial, Encoding.UTF8).Select(t => (int)t).ToArray();

    /// <summary>True for tokens that end generation (eos, eot, <c>&lt;|im_end|&gt;</c>, ...), as llama.cpp decides.</summary>
    public bool IsEndOfGeneration(int token) => NativeInterop.llama_vocab_is_eog(_vocab, token);

    /// <summary>The texts of the vocabulary's control and unknown tokens, which message content must not spell (see <see cref="ControlTokenText"/>).</summary>
    public IReadOnlyList<string> ControlTexts => _controlTexts.Value;

    /// <summary>Bytes of one token as text (control tokens give none).</summary>
    internal int TokenBytes(int token, Span<byte> destination) => (int)_handle.TokenToSpan(token, destination, special: false);

    internal int BosToken => _handle.Vocab.BOS is { } bos ? (int)bos : -1;

    /// <summary>The native adapter for <paramref name="adapterPath"/>, loaded once per model.</summary>
    internal nint Adapter(string adapterPath)
    {
        var full = System.IO.Path.GetFullPath(adapterPath);
        var lazy = _adapters.GetOrAdd(full, p => new Lazy<nint>(() =>
        {
            if (!File.Exists(p))
            {
                throw new FileNotFoundException($"No LoRA adapter at {p}.", p);
            }

            var adapter = NativeInterop.llama_adapter_lora_init(_handle.DangerousGetHandle(), p);
            return adapter != nint.Zero
                ? adapter
                : throw new InvalidDataException($"llama.cpp could not load the LoRA adapter {p} for {Path} (not a LoRA GGUF, or made for another architecture or shape).");
        }));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _adapters.TryRemove(new(full, lazy));
            throw;
        }
    }

    /// <summary>Frees the weights (and with them the adapters).</summary>
    public void Dispose() => _handle.Dispose();
}
