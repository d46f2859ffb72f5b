using Tailor.Local.Models;
using Tailor.Local.Native;
using Tailor.Local.Training.Data;

namespace Tailor.Local.Training.Graph;

/// <summary>The adapter of one base matrix W [n_in, n_out]: A [n_in, r] and B [r, n_out] (llama.cpp's adapter layout).</summary>
internal sealed unsafe class LoraPair
{
    public required string Target;  // base tensor name, e.g. blk.0.attn_q.weight
    public GgmlTensor* A;           // <target>.lora_a [n_in, r]
    public GgmlTensor* B;           // <target>.lora_b [r, n_out]
}

/// <summary>
/// LoRA adapter tensors for the chosen targets of a model, F32 in one CPU buffer. The forward pass adds
/// <c>(alpha / r)·B·(A·x)</c> to each target's output. A starts uniform in ±1/sqrt(n_in) (PEFT's default) and B at zero,
/// so a fresh adapter leaves the logits bit-identical.
/// </summary>
/// <remarks>Not thread-safe. Owns its context and buffer.</remarks>
internal sealed unsafe class LoraTensors : IDisposable
{
    private const ulong InitPurpose = 0x4C4F_5241;

    private readonly nint _context;
    private readonly nint _buffer;
    private readonly Dictionary<nint, LoraPair> _byBase = [];

    public LoraTensors(ModelTensors model, LoraOptions options, int seed, nint backend)
    {
        Options = options;
        var targets = new List<nint>();
        for (var layer = 0; layer < model.Config.LayerCount; layer++)
        {
            foreach (var part in options.Targets)
            {
                targets.Add((nint)model[LlamaTensorNames.Block(layer, part)]);
            }
        }

        _context = Ggml.NewMetadataContext(2 * targets.Count);
        foreach (var p in targets)
        {
            var w = (GgmlTensor*)p;
            var name = w->GetName();
            var pair = new LoraPair
            {
                Target = name,
                A = Ggml.ggml_new_tensor_2d(_context, GgmlElementType.F32, w->Ne[0], options.Rank),
                B = Ggml.ggml_new_tensor_2d(_context, GgmlElementType.F32, options.Rank, w->Ne[1]),
            };
            Ggml.ggml_set_name(pair.A, name + ".lora_a");
            Ggml.ggml_set_name(pair.B, name + ".lora_b");
            Pairs.Add(pair);
            _byBase[p] = pair;
            All.Add((nint)pair.A);
            All.Add((nint)pair.B);
        }

        _buffer = Ggml.ggml_backend_alloc_ctx_tensors(_context, backend);
        if (_buffer == 0)
        {
            throw new TrainingException("could not allocate the LoRA tensors");
        }

        var random = TrainingRandom.For(seed, InitPurpose, 0);
        foreach (var pair in Pairs)
        {
            var a = new float[pair.A->ElementCount];
            var bound = 1.0 / Math.Sqrt(pair.A->Ne[0]);
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }

            Ggml.Upload<float>(pair.A, a);
            Ggml.Upload<float>(pair.B, new float[pair.B->ElementCount]);
        }
    }

    public LoraOptions Options { get; }

    /// <summary>alpha / r, the factor llama.cpp applies at adapter scale 1.</summary>
    public float Scale => Options.Alpha / Options.Rank;

    public List<LoraPair> Pairs { get; } = [];

    /// <summary>Every A and B, in target order (the order of checkpoints and of the optimizer).</summary>
    public List<nint> All { get; } = [];

    public LoraPair? For(GgmlTensor* baseWeight) => _byBase.TryGetValue((nint)baseWeight, out var p) ? p : null;

    /// <summary>The adapter as the model factory's <see cref="LoraTensor"/> records (host copies).</summary>
    public List<LoraTensor> Download() =>
        [.. Pairs.Select(p => new LoraTensor(p.Target, Options.Rank, (int)p.A->Ne[0], (int)p.B->Ne[1], Ggml.Download<float>(p.A), Ggml.Download<float>(p.B)))];

    public void Dispose()
    {
        Ggml.ggml_backend_buffer_free(_buffer);
        Ggml.ggml_free(_context);
    }
}
