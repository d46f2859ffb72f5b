namespace Tailor.Local.Models;

/// <summary>llama.cpp's GGUF tensor names for the llama architecture.</summary>
public static class LlamaTensorNames
{
    public const string Architecture = "llama";

    /// <summary>[n_embd, n_vocab]: row t is the embedding of token t.</summary>
    public const string TokenEmbedding = "token_embd.weight";

    /// <summary>[n_embd]: final RMS norm gain.</summary>
    public const string OutputNorm = "output_norm.weight";

    /// <summary>[n_embd, n_vocab]: row t gives token t's logit.</summary>
    public const string Output = "output.weight";

    public const string AttentionNorm = "attn_norm";
    public const string AttentionQuery = "attn_q";
    public const string AttentionKey = "attn_k";
    public const string AttentionValue = "attn_v";
    public const string AttentionOutput = "attn_output";
    public const string FeedForwardNorm = "ffn_norm";
    public const string FeedForwardGate = "ffn_gate";
    public const string FeedForwardUp = "ffn_up";
    public const string FeedForwardDown = "ffn_down";

    /// <summary><c>blk.{layer}.{part}.weight</c>.</summary>
    public static string Block(int layer, string part) => $"blk.{layer}.{part}.weight";

    /// <summary>True for the projections that write into the residual stream (their init is scaled down by depth).</summary>
    public static bool IsResidualProjection(string name) =>
        name.EndsWith("." + AttentionOutput + ".weight", StringComparison.Ordinal) || name.EndsWith("." + FeedForwardDown + ".weight", StringComparison.Ordinal);

    /// <summary>True for RMS norm gains (1-D, initialised to 1).</summary>
    public static bool IsNorm(string name) => name.EndsWith("_norm.weight", StringComparison.Ordinal);
}
