using Tailor.Local.Models;
using Tailor.Local.Native;

namespace Tailor.Local.Training.Graph;

/// <summary>One transformer block's weights, ggml shapes ([n_in, n_out]: ne0 is the input dimension).</summary>
internal sealed unsafe class LayerTensors
{
    public GgmlTensor* AttentionNorm;   // [E]
    public GgmlTensor* Query;           // [E, E]
    public GgmlTensor* Key;             // [E, Ekv]
    public GgmlTensor* Value;           // [E, Ekv]
    public GgmlTensor* Output;          // [E, E]
    public GgmlTensor* FeedForwardNorm; // [E]
    public GgmlTensor* Gate;            // [E, F]
    public GgmlTensor* Up;              // [E, F]
    public GgmlTensor* Down;            // [F, E]
}

/// <summary>
/// A llama model's weights as F32 ggml tensors in one CPU backend buffer, named as in the GGUF, so training, checkpoints
/// and export are name-for-name copies of <see cref="LlamaModelWeights"/>.
/// </summary>
/// <remarks>Not thread-safe. Owns its context and buffer; dispose after every graph that uses it.</remarks>
internal sealed unsafe class ModelTensors : IDisposable
{
    private readonly nint _context;
    private readonly nint _buffer;
    private readonly Dictionary<string, nint> _byName = new(StringComparer.Ordinal);

    public ModelTensors(LlamaModelWeights weights, nint backend)
    {
        Config = weights.Config;
        var shapes = Config.TensorShapes();
        _context = Ggml.NewMetadataContext(shapes.Count);
        foreach (var (name, shape) in shapes)
        {
            var t = shape.Length == 1
                ? Ggml.ggml_new_tensor_1d(_context, GgmlElementType.F32, shape[0])
                : Ggml.ggml_new_tensor_2d(_context, GgmlElementType.F32, shape[0], shape[1]);
            Ggml.ggml_set_name(t, name);
            _byName[name] = (nint)t;
            All.Add((nint)t);
        }

        _buffer = Ggml.ggml_backend_alloc_ctx_tensors(_context, backend);
        if (_buffer == 0)
        {
            throw new TrainingException($"could not allocate {Config.ParameterCount * 4 / 1e6:F0} MB for the weights");
        }

        foreach (var tensor in weights.Tensors)
        {
            Ggml.Upload<float>(this[tensor.Name], tensor.Data);
        }

        TokenEmbedding = this[LlamaTensorNames.TokenEmbedding];
        OutputNorm = this[LlamaTensorNames.OutputNorm];
        Output = this[LlamaTensorNames.Output];
        Layers = new LayerTensors[Config.LayerCount];
        for (var i = 0; i < Layers.Length; i++)
        {
            Layers[i] = new LayerTensors
            {
                AttentionNorm = this[LlamaTensorNames.Block(i, LlamaTensorNames.AttentionNorm)],
                Query = this[LlamaTensorNames.Block(i, LlamaTensorNames.AttentionQuery)],
                Key = this[LlamaTensorNames.Block(i, LlamaTensorNames.AttentionKey)],
                Value = this[LlamaTensorNames.Block(i, LlamaTensorNames.AttentionValue)],
                Output = this[LlamaTensorNames.Block(i, LlamaTensorNames.AttentionOutput)],
                FeedForwardNorm = this[LlamaTensorNames.Block(i, LlamaTensorNames.FeedForwardNorm)],
                Gate = this[LlamaTensorNames.Block(i, LlamaTensorNames.FeedForwardGate)],
                Up = this[LlamaTensorNames.Block(i, LlamaTensorNames.FeedForwardUp)],
                Down = this[LlamaTensorNames.Block(i, LlamaTensorNames.FeedForwardDown)],
            };
        }
    }

    public LlamaConfig Config { get; }

    public GgmlTensor* TokenEmbedding { get; }  // [E, V]

    public GgmlTensor* OutputNorm { get; }      // [E]

    public GgmlTensor* Output { get; }          // [E, V]

    public LayerTensors[] Layers { get; }

    /// <summary>Every tensor in GGUF file order (the order of checkpoints and of the optimizer).</summary>
    public List<nint> All { get; } = [];

    public long BufferBytes => (long)Ggml.ggml_backend_buffer_get_size(_buffer);

    public GgmlTensor* this[string name] => _byName.TryGetValue(name, out var t) ? (GgmlTensor*)t : throw new KeyNotFoundException($"No tensor '{name}'.");

    /// <summary>Copies the current weights back to the host.</summary>
    public LlamaModelWeights Download() =>
        new(Config, Config.TensorShapes().Select(s => new WeightTensor(s.Name, s.Shape, Ggml.Download<float>(this[s.Name]))));

    public void Dispose()
    {
        Ggml.ggml_backend_buffer_free(_buffer);
        Ggml.ggml_free(_context);
    }
}
