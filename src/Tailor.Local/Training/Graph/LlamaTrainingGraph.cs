using Tailor.Local.Models;
using Tailor.Local.Native;

namespace Tailor.Local.Training.Graph;

/// <summary>
/// The llama forward graph built from ggml ops that all have a backward pass, matching llama.cpp's LLM_ARCH_LLAMA
/// inference math (logits agree to ~1e-7 relative, trainer notes §8), and the masked loss (notes §9).
/// </summary>
/// <remarks>
/// Deliberate differences from llama.cpp's own graph, each because the llama.cpp form cannot be differentiated here: no
/// KV cache (its write is an in-place view the backward pass rejects), explicit attention instead of flash attention, and
/// <c>swiglu_split</c> instead of the fused <c>swiglu</c>. Stateless.
/// </remarks>
internal static unsafe class LlamaTrainingGraph
{
    /// <summary>
    /// Builds the forward pass into <paramref name="ctx"/>; returns logits [V, R] (R = N, or K gathered positions). With
    /// <paramref name="dropout"/> the inputs' LoRA dropout masks are applied (training graph only).
    /// </summary>
    public static GgmlTensor* Forward(nint ctx, ModelTensors model, LoraTensors? lora, GraphInputs inputs, bool dropout)
    {
        var c = model.Config;
        int e = c.EmbeddingLength, d = c.HeadDimension, h = c.HeadCount, hkv = c.KvHeadCount, t = inputs.Length, b = inputs.Rows, n = inputs.N;
        var kqScale = 1f / MathF.Sqrt(d);
        GgmlTensor* Mask(int layer, DropoutSite site) => dropout ? inputs.DropoutMask(layer, site) : null;

        var x = Ggml.ggml_get_rows(ctx, model.TokenEmbedding, inputs.Tokens);                       // [E, N]
        for (var il = 0; il < c.LayerCount; il++)
        {
            var layer = model.Layers[il];

            // attention
            var cur = Ggml.ggml_mul(ctx, Ggml.ggml_rms_norm(ctx, x, c.RmsNormEpsilon), layer.AttentionNorm); // [E, N]
            var attnIn = Mask(il, DropoutSite.AttentionInput);
            var q = Linear(ctx, layer.Query, lora, cur, attnIn);                                  // [E, N]
            var k = Linear(ctx, layer.Key, lora, cur, attnIn);                                    // [Ekv, N]
            var v = Linear(ctx, layer.Value, lora, cur, attnIn);                                  // [Ekv, N]
            q = Rope(ctx, Ggml.ggml_reshape_3d(ctx, q, d, h, n), inputs.Positions, c);            // [D, H, N]
            k = Rope(ctx, Ggml.ggml_reshape_3d(ctx, k, d, hkv, n), inputs.Positions, c);          // [D, Hkv, N]

            // Heads and batch rows share ne2 (index b·H + h) because the backward pass of a broadcasting mul_mat (GQA)
            // asserts ne3 == 1. mul_mat's broadcast then maps query slot b·H+h to kv slot b·Hkv + h/(H/Hkv): llama.cpp's
            // grouping, per row (notes §7.2).
            var qh = Heads(ctx, q, d, h, t, b);                                                    // [D, T, H·B]
            var kh = Heads(ctx, k, d, hkv, t, b);                                                  // [D, T, Hkv·B]
            var kq = Ggml.ggml_mul_mat(ctx, kh, qh);                                               // [Tk, Tq, H·B]
            kq = Ggml.ggml_reshape_4d(ctx, kq, t, t, h, b);                                        // the mask [T, T, 1, B] broadcasts over heads
            kq = Ggml.ggml_soft_max_ext(ctx, kq, inputs.AttentionMask, kqScale, 0f);
            // GUARD: ggml-alloc may compute SOFT_MAX_BACK in place over this softmax output (its src[1]) when the
            // incoming gradient is a view; the kernel then reads y after overwriting it and the attention gradients are
            // silently wrong (notes §7.1). An output is never reused, so flag it.
            Ggml.ggml_set_output(kq);
            kq = Ggml.ggml_reshape_3d(ctx, kq, t, t, h * b);                                       // [Tk, Tq, H·B]
            var vt = Ggml.ggml_cont(ctx, Ggml.ggml_permute(ctx, Ggml.ggml_reshape_4d(ctx, v, d, hkv, t, b), 1, 2, 0, 3)); // [Tk, D, Hkv, B]
            vt = Ggml.ggml_reshape_3d(ctx, vt, t, d, hkv * b);                                     // [Tk, D, Hkv·B]
            var kqv = Ggml.ggml_mul_mat(ctx, vt, kq);                                              // [D, Tq, H·B]
            kqv = Ggml.ggml_reshape_4d(ctx, kqv, d, t, h, b);                                      // [D, T, H, B]
            var o = Ggml.ggml_cont(ctx, Ggml.ggml_permute(ctx, kqv, 0, 2, 1, 3));                  // [D, H, T, B]
            o = Ggml.ggml_reshape_2d(ctx, o, e, n);                                                // [E, N]
            x = Ggml.ggml_add(ctx, x, Linear(ctx, layer.Output, lora, o, Mask(il, DropoutSite.AttentionOutput)));

            // feed-forward: down(silu(gate(h)) * up(h)); the split SwiGLU has a backward pass, the fused one aborts
            cur = Ggml.ggml_mul(ctx, Ggml.ggml_rms_norm(ctx, x, c.RmsNormEpsilon), layer.FeedForwardNorm); // [E, N]
            var ffnIn = Mask(il, DropoutSite.FeedForwardInput);
            var gate = Linear(ctx, layer.Gate, lora, cur, ffnIn);                                   // [F, N]
            var up = Linear(ctx, layer.Up, lora, cur, ffnIn);                                       // [F, N]
            var act = Ggml.ggml_swiglu_split(ctx, gate, up);                                        // [F, N]
            x = Ggml.ggml_add(ctx, x, Linear(ctx, layer.Down, lora, act, Mask(il, DropoutSite.FeedForwardDown))); // [E, N]
        }

        x = Ggml.ggml_mul(ctx, Ggml.ggml_rms_norm(ctx, x, c.RmsNormEpsilon), model.OutputNorm);    // [E, N]
        if (inputs.LossIndex != null)
        {
            x = Ggml.ggml_get_rows(ctx, x, inputs.LossIndex);                                       // [E, K]: only trained positions reach the LM head
        }

        var logits = Ggml.ggml_mul_mat(ctx, model.Output, x);                                       // [V, R]
        Ggml.ggml_set_name(logits, "logits");
        return logits;
    }

    /// <summary>
    /// Sum of the next-token NLL over rows with loss mask 1: <c>R · CE(logits ⊙ mask, labels)</c>. Masked rows have logits
    /// ≡ 0 (so their gradient is exactly 0) and all-zero labels (so they add 0); ggml's cross-entropy is a mean over all R
    /// rows, hence the factor R. Zeroing the labels alone would leave masked rows a gradient of softmax/R (notes §9).
    /// </summary>
    public static GgmlTensor* MaskedNllSum(nint ctx, GgmlTensor* logits, GraphInputs inputs)
    {
        var masked = Ggml.ggml_mul(ctx, logits, inputs.LossMask);             // [V, R] ⊙ [1, R]
        var ce = Ggml.ggml_cross_entropy_loss(ctx, masked, inputs.Labels);    // -(1/R) Σ_rows Σ labels·log_softmax  [1]
        var sum = Ggml.ggml_scale(ctx, ce, inputs.LossRows);                  // [1]
        Ggml.ggml_set_name(sum, "loss_nll_sum");
        return sum;
    }

    /// <summary><c>W·x</c>, plus <c>(alpha/r)·B·(A·(x ⊙ dropout))</c> when the weight carries an adapter.</summary>
    private static GgmlTensor* Linear(nint ctx, GgmlTensor* w, LoraTensors? lora, GgmlTensor* x, GgmlTensor* dropoutMask)
    {
        var y = Ggml.ggml_mul_mat(ctx, w, x);                                                      // [n_out, N]
        var pair = lora?.For(w);
        if (pair is null)
        {
            return y;
        }

        var input = dropoutMask != null ? Ggml.ggml_mul(ctx, x, dropoutMask) : x;                   // [n_in, N]
        var ab = Ggml.ggml_mul_mat(ctx, pair.B, Ggml.ggml_mul_mat(ctx, pair.A, input));           // [n_out, N] via [r, N]
        return Ggml.ggml_add(ctx, y, Ggml.ggml_scale(ctx, ab, lora!.Scale));
    }

    /// <summary>[D·heads, N] (token-major) → contiguous [D, T, heads·B].</summary>
    private static GgmlTensor* Heads(nint ctx, GgmlTensor* x, int d, int heads, int t, int b)
    {
        var p = Ggml.ggml_cont(ctx, Ggml.ggml_permute(ctx, Ggml.ggml_reshape_4d(ctx, x, d, heads, t, b), 0, 2, 1, 3)); // [D, T, heads, B]
        return Ggml.ggml_reshape_3d(ctx, p, d, t, heads * b);
    }

    /// <summary>RoPE mode 0 (llama's "normal": adjacent pairs), as llama.cpp applies it for LLM_ARCH_LLAMA with no scaling.</summary>
    private static GgmlTensor* Rope(nint ctx, GgmlTensor* x, GgmlTensor* positions, LlamaConfig c) =>
        Ggml.ggml_rope_ext(ctx, x, positions, null, c.HeadDimension, 0, c.ContextLength, c.RopeFreqBase, 1f, 0f, 1f, 32f, 1f);
}
