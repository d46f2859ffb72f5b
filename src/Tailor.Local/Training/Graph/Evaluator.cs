using Tailor.Local.Native;
using Tailor.Local.Training.Data;

namespace Tailor.Local.Training.Graph;

/// <summary>
/// The forward pass alone (no gradients, no dropout) over the same weights: validation loss, and logits to compare with
/// llama.cpp. Has its own inputs and compute buffer; all N positions reach the LM head.
/// </summary>
/// <remarks>Not thread-safe. Run it between optimizer steps, never during one.</remarks>
internal sealed unsafe class Evaluator : IDisposable
{
    private const int GraphSize = 1 << 15;

    private readonly CpuBackend _backend;
    private readonly nint _context;
    private readonly nint _graph;
    private readonly nint _alloc;
    private readonly GgmlTensor* _logits;
    private readonly GgmlTensor* _loss;

    public Evaluator(CpuBackend backend, ModelTensors model, LoraTensors? lora, int rows, int length)
    {
        _backend = backend;
        Inputs = new GraphInputs(rows, length, model.Config.VocabularySize, rows * length, backend.Handle);
        _context = Ggml.NewMetadataContext(GraphSize, GraphSize);
        _logits = LlamaTrainingGraph.Forward(_context, model, lora, Inputs, dropout: false);
        _loss = LlamaTrainingGraph.MaskedNllSum(_context, _logits, Inputs);
        Ggml.ggml_set_output(_logits);
        Ggml.ggml_set_output(_loss);
        _graph = Ggml.ggml_new_graph_custom(_context, GraphSize, false);
        Ggml.ggml_build_forward_expand(_graph, _loss);
        _alloc = Ggml.ggml_gallocr_new(Ggml.ggml_backend_get_default_buffer_type(backend.Handle));
        if (!Ggml.ggml_gallocr_alloc_graph(_alloc, _graph))
        {
            throw new TrainingException("could not allocate the evaluation graph (out of memory?)");
        }
    }

    public GraphInputs Inputs { get; }

    /// <summary>Runs one batch: the NLL summed over its trained positions. Null when cancelled.</summary>
    public double? NllSum(PackedBatch batch)
    {
        Inputs.Upload(batch);
        return _backend.Compute(_graph, interruptible: true) ? Ggml.ReadScalar(_loss) : null;
    }

    /// <summary>Runs one batch and returns every position's logits, [N][V] flattened row by row.</summary>
    public float[] Logits(PackedBatch batch)
    {
        Inputs.Upload(batch);
        _backend.Compute(_graph, interruptible: false);
        return Ggml.Download<float>(_logits);
    }

    public void Dispose()
    {
        Ggml.ggml_gallocr_free(_alloc);
        Ggml.ggml_free(_context);
        Inputs.Dispose();
    }
}
