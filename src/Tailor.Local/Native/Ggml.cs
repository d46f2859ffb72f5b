using System.Runtime.InteropServices;

namespace Tailor.Local.Native;

/// <summary>
/// The ggml graph API the trainer builds on (ggml 0.18.0 as shipped in LLamaSharp.Backend.Cpu 0.30.0): tensors, the
/// ops of the llama forward graph and the loss, automatic differentiation, ggml-backend, ggml-alloc and the CPU backend.
/// </summary>
/// <remarks>
/// Every signature here was checked against this build (trainer notes §1-§4): <c>ggml_set_param</c> takes one argument,
/// <c>ggml_build_backward_expand</c> three, and <c>const char*</c> returns are read as pointers (a <c>string</c> return
/// would make the marshaller free a static string). Many calls abort the process on bad arguments (notes §12): callers
/// validate shapes, types and ids in C# first. Not thread-safe: one trainer drives one backend from one thread.
/// </remarks>
internal static unsafe partial class Ggml
{
    private const string Base = "ggml-base";
    private const string Cpu = "ggml-cpu";

    static Ggml() => LocalEngine.EnsureLoaded();

    // --- contexts and tensors ---
    [LibraryImport(Base)] internal static partial nint ggml_init(GgmlInitParams p);
    [LibraryImport(Base)] internal static partial void ggml_free(nint ctx);
    [LibraryImport(Base)] internal static partial nuint ggml_tensor_overhead();
    [LibraryImport(Base)] internal static partial nuint ggml_graph_overhead_custom(nuint size, [MarshalAs(UnmanagedType.U1)] bool grads);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_new_tensor_1d(nint ctx, GgmlElementType type, long ne0);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_new_tensor_2d(nint ctx, GgmlElementType type, long ne0, long ne1);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_new_tensor_4d(nint ctx, GgmlElementType type, long ne0, long ne1, long ne2, long ne3);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_dup_tensor(nint ctx, GgmlTensor* src);
    [LibraryImport(Base, StringMarshalling = StringMarshalling.Utf8)] internal static partial GgmlTensor* ggml_set_name(GgmlTensor* t, string name);
    [LibraryImport(Base)] internal static partial void ggml_set_param(GgmlTensor* t);
    [LibraryImport(Base)] internal static partial void ggml_set_loss(GgmlTensor* t);
    [LibraryImport(Base)] internal static partial void ggml_set_input(GgmlTensor* t);
    [LibraryImport(Base)] internal static partial void ggml_set_output(GgmlTensor* t);
    [LibraryImport(Base)] internal static partial nuint ggml_nbytes(GgmlTensor* t);

    // --- ops of the llama graph and the loss (each one has a backward pass in this build) ---
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_get_rows(nint ctx, GgmlTensor* a, GgmlTensor* ids);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_rms_norm(nint ctx, GgmlTensor* a, float eps);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_mul(nint ctx, GgmlTensor* a, GgmlTensor* b);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_add(nint ctx, GgmlTensor* a, GgmlTensor* b);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_mul_mat(nint ctx, GgmlTensor* a, GgmlTensor* b);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_scale(nint ctx, GgmlTensor* a, float s);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_sqr(nint ctx, GgmlTensor* a);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_sum(nint ctx, GgmlTensor* a);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_swiglu_split(nint ctx, GgmlTensor* gate, GgmlTensor* up);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_soft_max_ext(nint ctx, GgmlTensor* a, GgmlTensor* mask, float scale, float maxBias);
    [LibraryImport(Base)]
    internal static partial GgmlTensor* ggml_rope_ext(
        nint ctx, GgmlTensor* a, GgmlTensor* positions, GgmlTensor* freqFactors, int nDims, int mode, int nCtxOrig,
        float freqBase, float freqScale, float extFactor, float attnFactor, float betaFast, float betaSlow);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_permute(nint ctx, GgmlTensor* a, int ax0, int ax1, int ax2, int ax3);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_cont(nint ctx, GgmlTensor* a);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_reshape_2d(nint ctx, GgmlTensor* a, long ne0, long ne1);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_reshape_3d(nint ctx, GgmlTensor* a, long ne0, long ne1, long ne2);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_reshape_4d(nint ctx, GgmlTensor* a, long ne0, long ne1, long ne2, long ne3);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_cross_entropy_loss(nint ctx, GgmlTensor* logits, GgmlTensor* labels);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_opt_step_adamw(nint ctx, GgmlTensor* w, GgmlTensor* grad, GgmlTensor* m, GgmlTensor* v, GgmlTensor* adamwParams);

    // --- graphs and automatic differentiation ---
    [LibraryImport(Base)] internal static partial nint ggml_new_graph_custom(nint ctx, nuint size, [MarshalAs(UnmanagedType.U1)] bool grads);
    [LibraryImport(Base)] internal static partial void ggml_build_forward_expand(nint graph, GgmlTensor* t);

    /// <summary><paramref name="gradAccs"/> is indexed like the graph's nodes at the time of the call; null entries let ggml allocate.</summary>
    [LibraryImport(Base)] internal static partial void ggml_build_backward_expand(nint ctx, nint graph, GgmlTensor** gradAccs);
    [LibraryImport(Base)] internal static partial int ggml_graph_n_nodes(nint graph);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_graph_node(nint graph, int i);
    [LibraryImport(Base)] internal static partial GgmlTensor* ggml_graph_get_grad(nint graph, GgmlTensor* node);

    // --- ggml-backend / ggml-alloc ---
    [LibraryImport(Cpu)] internal static partial nint ggml_backend_cpu_init();
    [LibraryImport(Cpu)] internal static partial void ggml_backend_cpu_set_n_threads(nint backend, int threads);

    /// <summary>The CPU backend polls <paramref name="callback"/> (<c>bool(*)(void*)</c>) between graph nodes; true aborts the compute.</summary>
    [LibraryImport(Cpu)] internal static partial void ggml_backend_cpu_set_abort_callback(nint backend, nint callback, nint data);
    [LibraryImport(Base)] internal static partial void ggml_backend_free(nint backend);
    [LibraryImport(Base)] internal static partial nint ggml_backend_get_default_buffer_type(nint backend);
    [LibraryImport(Base)] internal static partial GgmlStatus ggml_backend_graph_compute(nint backend, nint graph);
    [LibraryImport(Base)] internal static partial nint ggml_backend_alloc_ctx_tensors(nint ctx, nint backend);
    [LibraryImport(Base)] internal static partial void ggml_backend_buffer_free(nint buffer);
    [LibraryImport(Base)] internal static partial nuint ggml_backend_buffer_get_size(nint buffer);
    [LibraryImport(Base)] internal static partial void ggml_backend_buffer_clear(nint buffer, byte value);
    [LibraryImport(Base)] internal static partial void ggml_backend_tensor_set(GgmlTensor* t, void* data, nuint offset, nuint size);
    [LibraryImport(Base)] internal static partial void ggml_backend_tensor_get(GgmlTensor* t, void* data, nuint offset, nuint size);
    [LibraryImport(Base)] internal static partial void ggml_backend_tensor_memset(GgmlTensor* t, byte value, nuint offset, nuint size);
    [LibraryImport(Base)] internal static partial nint ggml_gallocr_new(nint bufferType);
    [LibraryImport(Base)] internal static partial void ggml_gallocr_free(nint galloc);
    [LibraryImport(Base)][return: MarshalAs(UnmanagedType.U1)] internal static partial bool ggml_gallocr_alloc_graph(nint galloc, nint graph);
    [LibraryImport(Base)] internal static partial nuint ggml_gallocr_get_buffer_size(nint galloc, int bufferId);

    /// <summary>Sets the hook ggml calls with the message of a failed <c>GGML_ASSERT</c> before it aborts (<c>void(*)(const char*)</c>); returns the previous one.</summary>
    [LibraryImport(Base)] internal static partial nint ggml_set_abort_callback(nint callback);

    /// <summary>Copies <paramref name="data"/> into <paramref name="tensor"/>; the sizes must match exactly.</summary>
    internal static void Upload<T>(GgmlTensor* tensor, ReadOnlySpan<T> data)
        where T : unmanaged
    {
        var bytes = (nuint)(data.Length * sizeof(T));
        if (bytes != ggml_nbytes(tensor))
        {
            throw new InvalidOperationException($"Tensor '{tensor->GetName()}' holds {ggml_nbytes(tensor)} bytes, not {bytes}.");
        }

        fixed (T* p = data)
        {
            ggml_backend_tensor_set(tensor, p, 0, bytes);
        }
    }

    /// <summary>Reads the whole of <paramref name="tensor"/>.</summary>
    internal static T[] Download<T>(GgmlTensor* tensor)
        where T : unmanaged
    {
        var result = new T[checked((int)((long)ggml_nbytes(tensor) / sizeof(T)))];
        fixed (T* p = result)
        {
            ggml_backend_tensor_get(tensor, p, 0, ggml_nbytes(tensor));
        }

        return result;
    }

    internal static float ReadScalar(GgmlTensor* tensor)
    {
        float value;
        ggml_backend_tensor_get(tensor, &value, 0, sizeof(float));
        return value;
    }

    internal static void WriteScalar(GgmlTensor* tensor, float value) => ggml_backend_tensor_set(tensor, &value, 0, sizeof(float));

    /// <summary>A metadata-only context (<c>no_alloc</c>) for <paramref name="tensors"/> tensors and, optionally, one graph of <paramref name="graphSize"/> nodes.</summary>
    internal static nint NewMetadataContext(int tensors, int graphSize = 0, bool grads = false)
    {
        var bytes = (nuint)tensors * ggml_tensor_overhead() + (graphSize > 0 ? ggml_graph_overhead_custom((nuint)graphSize, grads) : 0);
        var ctx = ggml_init(new GgmlInitParams { MemSize = bytes, NoAlloc = 1 });
        return ctx != 0 ? ctx : throw new InvalidOperationException("ggml_init failed (out of memory).");
    }
}
