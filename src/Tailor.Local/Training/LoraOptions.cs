using Tailor.Local.Models;

namespace Tailor.Local.Training;

/// <summary>
/// A LoRA fine-tune: the base model stays frozen and each target matrix W [n_in, n_out] gains a low-rank update,
/// <c>y = W·x + (alpha / rank)·B·(A·x)</c>, with A [n_in, rank] and B [rank, n_out] in llama.cpp's adapter layout.
/// </summary>
/// <remarks>Immutable. A starts uniform in ±1/sqrt(n_in) and B at zero, so step 0 reproduces the base model exactly.</remarks>
public sealed record LoraOptions
{
    /// <summary>Every matrix of a llama block that can carry an adapter.</summary>
    public static IReadOnlyList<string> AllTargets { get; } =
    [
        LlamaTensorNames.AttentionQuery, LlamaTensorNames.AttentionKey, LlamaTensorNames.AttentionValue, LlamaTensorNames.AttentionOutput,
        LlamaTensorNames.FeedForwardGate, LlamaTensorNames.FeedForwardUp, LlamaTensorNames.FeedForwardDown,
    ];

    /// <summary>r: the inner width of the update.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>Scales the update by alpha / rank (stored as <c>adapter.lora.alpha</c>; llama.cpp applies the same factor).</summary>
    public float Alpha { get; init; } = 16f;

    /// <summary>Which block matrices get an adapter, by their GGUF part name (<c>attn_q</c>, <c>ffn_down</c>, ...); default all seven.</summary>
    public IReadOnlyList<string> Targets { get; init; } = AllTargets;

    /// <summary>
    /// Probability of zeroing an element of the adapter's input during training (mistral-finetune's <c>lora.dropout</c>);
    /// 0 disables it. The masks are a pure function of the seed and the micro-batch, so resume stays exact.
    /// </summary>
    public float Dropout { get; init; }

    /// <summary>Write base + update as one model instead of an adapter file.</summary>
    public bool Merge { get; init; }
}
