using Tailor.Local.Native;
using Tailor.Local.Training.Data;

namespace Tailor.Local.Training.Graph;

/// <summary>
/// Our own training step on raw ggml (no ggml-opt, whose moments and step counter are private, trainer notes §5):
/// <list type="number">
/// <item>a forward + backward graph, built once: loss = Σ masked NLL; <c>ggml_build_backward_expand</c> is given OUR
/// gradient accumulators (one F32 tensor per trainable), so gradients add up in place across micro-batches;</item>
/// <item>a norm graph: Σ sum(acc²) over the trainables, read back to clip and to catch NaN/Inf;</item>
/// <item>a step graph: <c>g = acc · clip/n_tokens</c>, then <c>ggml_opt_step_adamw(w, g, m, v, params)</c> with OUR m and v
/// and a 7-float params tensor <c>[lr, β1, β2, ε, wd, 1/(1−β1^t), 1/(1−β2^t)]</c> written before each step.</item>
/// </list>
/// Everything that defines the optimizer's state (trainables, m, v, the step) is ours, so a checkpoint holds all of it.
/// </summary>
/// <remarks>Not thread-safe: one thread drives it. Dispose before the model, adapter and inputs it was built on.</remarks>
internal sealed unsafe class TrainingEngine : IDisposable
{
    /// <summary>The deepest model the graphs hold: ~131 nodes per layer for full fine-tuning, about twice that with LoRA on every target.</summary>
    public const int MaxLayers = 200;

    // 65536 nodes: MaxLayers layers with LoRA on all seven targets, with room to spare (more nodes than the size aborts).
    private const int GraphSize = 1 << 16;

    private readonly CpuBackend _backend;
    private readonly GraphInputs _inputs;
    private readonly AdamWSettings _adamw;
    private readonly List<nint> _trainables;
    private readonly Dictionary<nint, (nint Gradient, nint M, nint V)> _state = [];

    private readonly nint _stateContext;
    private readonly nint _gradientBuffer;
    private readonly nint _momentBuffer;
    private readonly nint _scalarBuffer;
    private readonly GgmlTensor* _lossSeed;     // [1] d(loss)/d(loss) = 1
    private readonly GgmlTensor* _adamDecay;    // [7] AdamW params for matrices
    private readonly GgmlTensor* _adamNoDecay;  // [7] the same with wd = 0, for norm gains
    private readonly GgmlTensor* _gradScale;    // [1] clip / n_tokens

    private readonly nint _trainContext, _trainGraph, _trainAlloc;
    private readonly GgmlTensor* _loss;
    private readonly nint _normContext, _normGraph, _normAlloc;
    private readonly GgmlTensor* _normSquared;
    private readonly nint _stepContext, _stepGraph, _stepAlloc;

    public TrainingEngine(CpuBackend backend, ModelTensors model, LoraTensors? lora, GraphInputs inputs, AdamWSettings adamw)
    {
        _backend = backend;
        _inputs = inputs;
        _adamw = adamw;

        // 1. trainables: every weight (full fine-tune) or only the adapters' A and B (the base stays frozen: its tensors
        //    get no PARAM flag, so the backward pass computes no gradient for them)
        _trainables = lora is null ? [.. model.All] : [.. lora.All];
        foreach (var p in _trainables)
        {
            Ggml.ggml_set_param((GgmlTensor*)p);
        }

        // 2. optimizer state, named so that a checkpoint is self-describing; alloc_ctx_tensors only allocates tensors that
        //    have no buffer yet, so each call below gives the newly added tensors a buffer of their own
        _stateContext = Ggml.NewMetadataContext(3 * _trainables.Count + 8);
        var gradients = _trainables.Select(p => (nint)Duplicate((GgmlTensor*)p, "grad.")).ToList();
        _gradientBuffer = Allocate(_stateContext, "gradients");
        var moments = _trainables.Select(p => ((nint)Duplicate((GgmlTensor*)p, "opt.m."), (nint)Duplicate((GgmlTensor*)p, "opt.v."))).ToList();
        _momentBuffer = Allocate(_stateContext, "optimizer moments");
        _lossSeed = Ggml.ggml_new_tensor_1d(_stateContext, GgmlElementType.F32, 1);
        _adamDecay = Ggml.ggml_new_tensor_1d(_stateContext, GgmlElementType.F32, 7);
        _adamNoDecay = Ggml.ggml_new_tensor_1d(_stateContext, GgmlElementType.F32, 7);
        _gradScale = Ggml.ggml_new_tensor_1d(_stateContext, GgmlElementType.F32, 1);
        _scalarBuffer = Allocate(_stateContext, "optimizer scalars");
        Ggml.ggml_backend_buffer_clear(_gradientBuffer, 0);
        Ggml.ggml_backend_buffer_clear(_momentBuffer, 0);
        for (var i = 0; i < _trainables.Count; i++)
        {
            _state[_trainables[i]] = (gradients[i], moments[i].Item1, moments[i].Item2);
        }

        // 3. forward + backward graph: static shapes, built and allocated once, re-run for every micro-batch
        _trainContext = Ggml.NewMetadataContext(GraphSize, GraphSize, grads: true);
        var logits = LlamaTrainingGraph.Forward(_trainContext, model, lora, inputs, dropout: true);
        _loss = LlamaTrainingGraph.MaskedNllSum(_trainContext, logits, inputs);
        Ggml.ggml_set_output(_loss);
        Ggml.ggml_set_loss(_loss);
        _trainGraph = Ggml.ggml_new_graph_custom(_trainContext, GraphSize, true);
        Ggml.ggml_build_forward_expand(_trainGraph, _loss);
        var forwardNodes = Ggml.ggml_graph_n_nodes(_trainGraph);
        var accumulators = new nint[forwardNodes]; // indexed like the graph's nodes at this moment
        for (var i = 0; i < forwardNodes; i++)
        {
            var node = Ggml.ggml_graph_node(_trainGraph, i);
            if (_state.TryGetValue((nint)node, out var s))
            {
                accumulators[i] = s.Gradient;
            }
            else if (node == _loss)
            {
                accumulators[i] = (nint)_lossSeed;
            }
        }

        fixed (nint* a = accumulators)
        {
            Ggml.ggml_build_backward_expand(_trainContext, _trainGraph, (GgmlTensor**)a);
        }

        ForwardNodes = forwardNodes;
        GraphNodes = Ggml.ggml_graph_n_nodes(_trainGraph);
        _trainAlloc = AllocateGraph(_trainGraph, "the training graph");
        Ggml.WriteScalar(_lossSeed, 1f);

        // 4. norm graph: Σ_i sum(acc_i²)
        _normContext = Ggml.NewMetadataContext(3 * _trainables.Count + 8, GraphSize);
        GgmlTensor* total = null;
        foreach (var p in _trainables)
        {
            var squares = Ggml.ggml_sum(_normContext, Ggml.ggml_sqr(_normContext, (GgmlTensor*)_state[p].Gradient)); // [1]
            total = total == null ? squares : Ggml.ggml_add(_normContext, total, squares);
        }

        _normSquared = total;
        Ggml.ggml_set_output(_normSquared);
        _normGraph = Ggml.ggml_new_graph_custom(_normContext, GraphSize, false);
        Ggml.ggml_build_forward_expand(_normGraph, _normSquared);
        _normAlloc = AllocateGraph(_normGraph, "the gradient-norm graph");

        // 5. step graph: one AdamW node per trainable, fed the scaled accumulated gradient; the node is a view of w,
        //    updated in place
        _stepContext = Ggml.NewMetadataContext(3 * _trainables.Count + 8, GraphSize);
        _stepGraph = Ggml.ggml_new_graph_custom(_stepContext, GraphSize, false);
        foreach (var p in _trainables)
        {
            var w = (GgmlTensor*)p;
            var s = _state[p];
            var g = Ggml.ggml_mul(_stepContext, (GgmlTensor*)s.Gradient, _gradScale);
            var decays = w->Ne[1] > 1; // matrices decay, 1-D norm gains do not
            var step = Ggml.ggml_opt_step_adamw(_stepContext, w, g, (GgmlTensor*)s.M, (GgmlTensor*)s.V, decays ? _adamDecay : _adamNoDecay);
            Ggml.ggml_build_forward_expand(_stepGraph, step);
        }

        _stepAlloc = AllocateGraph(_stepGraph, "the optimizer graph");
    }

    /// <summary>Nodes of the forward pass alone.</summary>
    public int ForwardNodes { get; }

    /// <summary>Nodes of the forward + backward graph.</summary>
    public int GraphNodes { get; }

    /// <summary>The optimizer steps taken (AdamW's t).</summary>
    public long Step { get; set; }

    public IReadOnlyList<nint> Trainables => _trainables;

    public long TrainableParameters => _trainables.Sum(p => ((GgmlTensor*)p)->ElementCount);

    /// <summary>Bytes of gradients, m and v.</summary>
    public long StateBytes => (long)Ggml.ggml_backend_buffer_get_size(_gradientBuffer) + (long)Ggml.ggml_backend_buffer_get_size(_momentBuffer);

    /// <summary>Bytes of the activation/gradient buffers of the three graphs.</summary>
    public long ComputeBytes =>
        (long)Ggml.ggml_gallocr_get_buffer_size(_trainAlloc, 0) + (long)Ggml.ggml_gallocr_get_buffer_size(_normAlloc, 0) + (long)Ggml.ggml_gallocr_get_buffer_size(_stepAlloc, 0);

    /// <summary>Each trainable with its m and v: what a checkpoint stores.</summary>
    public IEnumerable<(nint Weight, nint M, nint V)> OptimizerState => _trainables.Select(p => (p, _state[p].M, _state[p].V));

    /// <summary>True when the backward pass computes a gradient for <paramref name="tensor"/> (false for a frozen base weight).</summary>
    public bool HasGradient(GgmlTensor* tensor) => Ggml.ggml_graph_get_grad(_trainGraph, tensor) != null;

    public float[] ReadGradient(nint trainable) => Ggml.Download<float>((GgmlTensor*)_state[trainable].Gradient);

    /// <summary>Clears the gradient accumulators (start of an accumulation window).</summary>
    public void ZeroGradients() => Ggml.ggml_backend_buffer_clear(_gradientBuffer, 0);

    /// <summary>Forward + backward on one micro-batch; its gradients are ADDED to the accumulators. Null when cancelled.</summary>
    public double? Accumulate(PackedBatch batch, TrainingRandom? dropout)
    {
        _inputs.Upload(batch, dropout);
        return _backend.Compute(_trainGraph, interruptible: true) ? Ggml.ReadScalar(_loss) : null;
    }

    /// <summary>
    /// One AdamW step over the accumulated gradients of <paramref name="trainedTokens"/> tokens at learning rate
    /// <paramref name="learningRate"/>. Skips (changing nothing, not even the step) when there is no token or the gradient
    /// is not finite.
    /// </summary>
    public StepOutcome ApplyStep(int trainedTokens, float learningRate)
    {
        if (trainedTokens == 0)
        {
            return new StepOutcome(0, 0, true);
        }

        // global norm of the mean gradient (acc / n_tokens)
        _backend.Compute(_normGraph, interruptible: false);
        var norm = MathF.Sqrt(Ggml.ReadScalar(_normSquared)) / trainedTokens;
        if (!float.IsFinite(norm))
        {
            return new StepOutcome(norm, 0, true);
        }

        var clip = _adamw.MaxGradNorm > 0 && norm > _adamw.MaxGradNorm ? _adamw.MaxGradNorm / norm : 1f;
        Ggml.WriteScalar(_gradScale, clip / trainedTokens);
        var t = Step + 1;
        var beta1Correction = (float)(1 / (1 - Math.Pow(_adamw.Beta1, t)));
        var beta2Correction = (float)(1 / (1 - Math.Pow(_adamw.Beta2, t)));
        Ggml.Upload<float>(_adamDecay, [learningRate, _adamw.Beta1, _adamw.Beta2, _adamw.Epsilon, _adamw.WeightDecay, beta1Correction, beta2Correction]);
        Ggml.Upload<float>(_adamNoDecay, [learningRate, _adamw.Beta1, _adamw.Beta2, _adamw.Epsilon, 0f, beta1Correction, beta2Correction]);
        _backend.Compute(_stepGraph, interruptible: false);
        Step = t;
        return new StepOutcome(norm, clip, false);
    }

    public void Dispose()
    {
        Ggml.ggml_gallocr_free(_trainAlloc);
        Ggml.ggml_gallocr_free(_normAlloc);
        Ggml.ggml_gallocr_free(_stepAlloc);
        Ggml.ggml_free(_trainContext);
        Ggml.ggml_free(_normContext);
        Ggml.ggml_free(_stepContext);
        Ggml.ggml_backend_buffer_free(_gradientBuffer);
        Ggml.ggml_backend_buffer_free(_momentBuffer);
        Ggml.ggml_backend_buffer_free(_scalarBuffer);
        Ggml.ggml_free(_stateContext);
    }

    private GgmlTensor* Duplicate(GgmlTensor* w, string prefix)
    {
        var t = Ggml.ggml_dup_tensor(_stateContext, w);
        Ggml.ggml_set_name(t, prefix + w->GetName());
        return t;
    }

    private nint Allocate(nint context, string what)
    {
        var buffer = Ggml.ggml_backend_alloc_ctx_tensors(context, _backend.Handle);
        return buffer != 0 ? buffer : throw new TrainingException($"could not allocate the {what}");
    }

    private nint AllocateGraph(nint graph, string what)
    {
        var alloc = Ggml.ggml_gallocr_new(Ggml.ggml_backend_get_default_buffer_type(_backend.Handle));
        if (!Ggml.ggml_gallocr_alloc_graph(alloc, graph))
        {
            Ggml.ggml_gallocr_free(alloc);
            throw new TrainingException($"could not allocate {what} (out of memory?)");
        }

        return alloc;
    }
}

/// <summary>AdamW's hyperparameters and the clipping norm.</summary>
internal readonly record struct AdamWSettings(float Beta1, float Beta2, float Epsilon, float WeightDecay, float MaxGradNorm);
