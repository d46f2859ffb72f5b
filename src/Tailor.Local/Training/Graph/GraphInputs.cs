using Tailor.Local.Models;
using Tailor.Local.Native;
using Tailor.Local.Training.Data;

namespace Tailor.Local.Training.Graph;

/// <summary>Where a LoRA adapter's input comes from inside a block: the adapters sharing an input share its dropout mask.</summary>
internal enum DropoutSite
{
    AttentionInput,   // attn_q, attn_k, attn_v: the normed residual [E]
    AttentionOutput,  // attn_output: the attention heads [E]
    FeedForwardInput, // ffn_gate, ffn_up: the normed residual [E]
    FeedForwardDown,  // ffn_down: the SwiGLU activation [F]
}

/// <summary>
/// The input tensors of one micro-batch (B rows × T positions, N = B·T), allocated once in a CPU buffer and overwritten
/// for every micro-batch. Every token id is checked in C# before upload: an id ≥ n_vocab aborts the process inside
/// <c>get_rows</c> at compute time (trainer notes §12).
/// </summary>
/// <remarks>Not thread-safe. With <c>lossRows</c> K &lt; N only the trained positions reach the LM head (notes §9).</remarks>
internal sealed unsafe class GraphInputs : IDisposable
{
    private readonly nint _context;
    private readonly nint _buffer;
    private readonly float _dropout;
    private readonly Dictionary<(int Layer, DropoutSite Site), nint> _dropoutMasks = [];

    /// <param name="rows">B.</param>
    /// <param name="length">T.</param>
    /// <param name="vocabulary">V: token ids must be below it.</param>
    /// <param name="lossRows">Rows reaching the LM head: N for all positions, or K &lt; N to gather the trained ones.</param>
    /// <param name="backend">The CPU backend.</param>
    /// <param name="dropout">LoRA dropout probability (0: no masks).</param>
    /// <param name="dropoutSites">Per layer, the sites whose adapters need a mask, with the site's input width.</param>
    public GraphInputs(int rows, int length, int vocabulary, int lossRows, nint backend, float dropout = 0, IReadOnlyList<(int Layer, DropoutSite Site, int Width)>? dropoutSites = null)
    {
        Rows = rows;
        Length = length;
        Vocabulary = vocabulary;
        LossRows = lossRows;
        _dropout = dropout;
        var sites = dropout > 0 ? dropoutSites ?? [] : [];
        _context = Ggml.NewMetadataContext(8 + sites.Count);
        Tokens = Input(Ggml.ggml_new_tensor_1d(_context, GgmlElementType.I32, N), "inp_tokens");
        Positions = Input(Ggml.ggml_new_tensor_1d(_context, GgmlElementType.I32, N), "inp_pos");
        AttentionMask = Input(Ggml.ggml_new_tensor_4d(_context, GgmlElementType.F32, length, length, 1, rows), "inp_kq_mask");
        LossIndex = lossRows < N ? Input(Ggml.ggml_new_tensor_1d(_context, GgmlElementType.I32, lossRows), "inp_loss_idx") : null;
        LossMask = Input(Ggml.ggml_new_tensor_2d(_context, GgmlElementType.F32, 1, lossRows), "inp_loss_mask");
        Labels = Input(Ggml.ggml_new_tensor_2d(_context, GgmlElementType.F32, vocabulary, lossRows), "inp_labels");
        foreach (var (layer, site, width) in sites)
        {
            _dropoutMasks[(layer, site)] = (nint)Input(Ggml.ggml_new_tensor_2d(_context, GgmlElementType.F32, width, N), $"inp_dropout.{layer}.{site}");
        }

        _buffer = Ggml.ggml_backend_alloc_ctx_tensors(_context, backend);
        if (_buffer == 0)
        {
            throw new TrainingException("could not allocate the batch inputs");
        }
    }

    public int Rows { get; }

    public int Length { get; }

    public int N => Rows * Length;

    public int Vocabulary { get; }

    public int LossRows { get; }

    public GgmlTensor* Tokens { get; }        // I32 [N]
    public GgmlTensor* Positions { get; }     // I32 [N] RoPE positions, restarting at 0 for every packed example
    public GgmlTensor* AttentionMask { get; } // F32 [T, T, 1, B] 0 or -inf; key index is ne0, query index ne1
    public GgmlTensor* LossIndex { get; }     // I32 [K] or null: positions gathered before the LM head (padding gathers 0)
    public GgmlTensor* LossMask { get; }      // F32 [1, R] 1 where the row's next token is learned (R = LossRows)
    public GgmlTensor* Labels { get; }        // F32 [V, R] one-hot next token, all zero where masked

    /// <summary>The dropout mask for a layer's site, or null without dropout: F32 [width, N] of 0 and 1/(1-p).</summary>
    public GgmlTensor* DropoutMask(int layer, DropoutSite site) => _dropoutMasks.TryGetValue((layer, site), out var t) ? (GgmlTensor*)t : null;

    /// <summary>Checks and uploads <paramref name="batch"/>; <paramref name="dropoutRandom"/> draws the dropout masks (null: keep everything).</summary>
    public void Upload(PackedBatch batch, TrainingRandom? dropoutRandom = null)
    {
        if (batch.Rows != Rows || batch.Length != Length)
        {
            throw new InvalidOperationException($"A batch of {batch.Rows}x{batch.Length} does not fit inputs of {Rows}x{Length}.");
        }

        foreach (var id in batch.Tokens)
        {
            if ((uint)id >= (uint)Vocabulary)
            {
                throw new TrainingException($"token id {id} is outside the vocabulary [0, {Vocabulary})", isInputError: true);
            }
        }

        Ggml.Upload<int>(Tokens, batch.Tokens);
        Ggml.Upload<int>(Positions, batch.Positions);
        Ggml.Upload<float>(AttentionMask, batch.AttentionMask);

        // 1. rows of the loss: every position, or the trained ones gathered in order (padding rows gather 0, masked)
        var rows = new int[LossRows];
        var mask = new float[LossRows];
        if (LossIndex == null)
        {
            for (var i = 0; i < N; i++)
            {
                rows[i] = i;
                mask[i] = batch.LossMask[i];
            }
        }
        else
        {
            var k = 0;
            for (var i = 0; i < N; i++)
            {
                if (batch.LossMask[i] == 0)
                {
                    continue;
                }

                if (k == LossRows)
                {
                    throw new InvalidOperationException($"A micro-batch has more than the planned {LossRows} trained positions.");
                }

                rows[k] = i;
                mask[k++] = 1f;
            }

            Ggml.Upload<int>(LossIndex, rows);
        }

        Ggml.Upload<float>(LossMask, mask);

        // 2. one-hot labels, written sparsely: clear, then set one float per trained row
        Ggml.ggml_backend_tensor_memset(Labels, 0, 0, Ggml.ggml_nbytes(Labels));
        var one = 1f;
        for (var r = 0; r < LossRows; r++)
        {
            if (mask[r] != 0)
            {
                var offset = ((long)r * Vocabulary + batch.Targets[rows[r]]) * sizeof(float);
                Ggml.ggml_backend_tensor_set(Labels, &one, (nuint)offset, sizeof(float));
            }
        }

        // 3. dropout masks: inverted dropout, so the expected input of each adapter is unchanged
        foreach (var (_, tensor) in _dropoutMasks.OrderBy(e => e.Key.Layer).ThenBy(e => e.Key.Site))
        {
            var values = new float[((GgmlTensor*)tensor)->ElementCount];
            var keep = 1f / (1f - _dropout);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = dropoutRandom is null ? 1f : dropoutRandom.NextSingle() >= _dropout ? keep : 0f;
            }

            Ggml.Upload<float>((GgmlTensor*)tensor, values);
        }
    }

    /// <summary>The sites that need a dropout mask for <paramref name="targets"/>, per layer, with their input width.</summary>
    public static List<(int Layer, DropoutSite Site, int Width)> SitesFor(LlamaConfig config, IReadOnlyList<string> targets)
    {
        var sites = new List<(int, DropoutSite, int)>();
        foreach (var site in Enum.GetValues<DropoutSite>())
        {
            if (targets.Any(t => SiteOf(t) == site))
            {
                var width = site == DropoutSite.FeedForwardDown ? config.FeedForwardLength : config.EmbeddingLength;
                for (var layer = 0; layer < config.LayerCount; layer++)
                {
                    sites.Add((layer, site, width));
                }
            }
        }

        return sites;
    }

    /// <summary>Which input a target reads.</summary>
    public static DropoutSite SiteOf(string target) => target switch
    {
        LlamaTensorNames.AttentionQuery or LlamaTensorNames.AttentionKey or LlamaTensorNames.AttentionValue => DropoutSite.AttentionInput,
        LlamaTensorNames.AttentionOutput => DropoutSite.AttentionOutput,
        LlamaTensorNames.FeedForwardDown => DropoutSite.FeedForwardDown,
        _ => DropoutSite.FeedForwardInput,
    };

    public void Dispose()
    {
        Ggml.ggml_backend_buffer_free(_buffer);
        Ggml.ggml_free(_context);
    }

    private static GgmlTensor* Input(GgmlTensor* t, string name)
    {
        Ggml.ggml_set_name(t, name);
        Ggml.ggml_set_input(t);
        return t;
    }
}
