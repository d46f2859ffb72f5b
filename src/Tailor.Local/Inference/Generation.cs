using LLama.Native;
using Microsoft.Extensions.AI;

namespace Tailor.Local.Inference;

/// <summary>
/// The decode-and-sample loop of one request on one rented context, one step at a time so each step can run
/// on <see cref="DecodeThread"/>. Not thread-safe: steps run strictly one after another.
/// </summary>
internal sealed class Generation : IDisposable
{
    private readonly LocalModel _model;
    private readonly SafeLLamaContextHandle _context;
    private readonly GenerationRequest _request;
    private readonly LLamaBatch _batch = new();
    private readonly Utf8TokenDecoder _decoder = new();
    private readonly StopSequenceFilter _filter;
    private readonly SafeLLamaSamplerChainHandle _sampler;
    private byte[] _piece = new byte[256];
    private int _position;
    private int _pending = -1;

    public Generation(LocalModel model, SafeLLamaContextHandle context, GenerationRequest request)
    {
        _model = model;
        _context = context;
        _request = request;
        _filter = new StopSequenceFilter(request.StopSequences);
        _sampler = SamplerFactory.Create(request.Temperature, request.TopP, request.TopK, request.FrequencyPenalty, request.PresencePenalty, request.Seed);
    }

    /// <summary>Tokens sampled so far, the end-of-generation token included.</summary>
    public int Generated { get; private set; }

    /// <summary>Evaluates the prompt, in chunks of the context's batch size.</summary>
    /// <exception cref="ArgumentException">The prompt does not fit the context.</exception>
    public bool Start()
    {
        var prompt = _request.PromptTokens;
        var contextSize = (int)_context.ContextSize;
        if (prompt.Length >= contextSize)
        {
            throw new ArgumentException($"The prompt is {prompt.Length} tokens; the context holds {contextSize}. Shorten the conversation or raise the model's context_size option (LocalChatClientOptions.ContextSize).");
        }

        var batchSize = (int)_context.BatchSize;
        for (var start = 0; start < prompt.Length; start += batchSize)
        {
            _batch.Clear();
            var end = Math.Min(prompt.Length, start + batchSize);
            for (var i = start; i < end; i++)
            {
                _batch.Add(prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            }

            Decode();
        }

        _position = prompt.Length;
        return true;
    }

    /// <summary>
    /// Evaluates the token sampled by the previous step (if any), then samples the next one; returns the text now safe to
    /// emit and the finish reason once done. A sampled token is evaluated only when the step after it is asked for, so its
    /// text reaches the caller one decode sooner (the first token right after the prompt evaluation), and a caller that stops
    /// reading never pays for the decode of a token whose successor it will not ask for.
    /// </summary>
    public (string Text, ChatFinishReason? Finish) Next()
    {
        if (_pending >= 0)
        {
            _batch.Clear();
            _batch.Add(_pending, _position++, LLamaSeqId.Zero, logits: true);
            _pending = -1;
            Decode();
        }

        var token = (int)_sampler.Sample(_context, _batch.TokenCount - 1);
        Generated++;
        if (_model.IsEndOfGeneration(token))
        {
            return (FlushText(), ChatFinishReason.Stop);
        }

        var length = _model.TokenBytes(token, _piece);
        if (length > _piece.Length)
        {
            _piece = new byte[length];
            _model.TokenBytes(token, _piece);
        }

        var text = _filter.Push(_decoder.Add(_piece.AsSpan(0, length)));
        if (_filter.Stopped)
        {
            return (text, ChatFinishReason.Stop);
        }

        if (Generated >= _request.MaxOutputTokens || _position + 1 >= (int)_context.ContextSize)
        {
            return (text + FlushText(), _filter.Stopped ? ChatFinishReason.Stop : ChatFinishReason.Length);
        }

        _pending = token;
        return (text, null);
    }

    private string FlushText()
    {
        var text = _filter.Push(_decoder.Flush());
        return _filter.Stopped ? text : text + _filter.Flush();
    }

    private void Decode()
    {
        var result = _context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed ({result}).");
        }
    }

    public void Dispose() => _sampler.Dispose();
}
