using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Tailor.Local.Inference;

/// <summary>
/// An <see cref="IChatClient"/> over a local GGUF model through llama.cpp: formats the conversation with the
/// model's chat template, streams the reply as UTF-8-correct text, stops on end-of-generation tokens and on
/// stop sequences (never emitting them), and reports usage, finish reason and model id.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. Each request rents one of <see cref="LocalChatClientOptions.MaxConcurrentRequests"/> contexts
/// (more requests wait) and decodes token by token on one process-wide decode thread, so concurrent requests
/// interleave step by step. Why a pool and not batched decoding: LLamaSharp serialises <c>llama_decode</c> process-wide
/// and each decode already uses every core, so on a CPU parallel contexts would not be faster; a context per request
/// keeps each reply a function of its prompt and seed alone (no other sequence shares its KV cache or batch), and
/// LoRA adapters are per context. Batched decoding (many sequences per <c>llama_decode</c>) is the way to more
/// throughput on small models, at the cost of that isolation.
/// </para>
/// <para>Tool calls are not supported; tools in <see cref="ChatOptions"/> are ignored. Disposing the client frees its
/// contexts, never the shared <see cref="LocalModel"/>.</para>
/// </remarks>
public sealed class LocalChatClient : IChatClient
{
    private readonly LocalModel _model;
    private readonly LocalChatClientOptions _options;
    private readonly ContextPool _pool;
    private readonly ChatClientMetadata _metadata;

    public LocalChatClient(LocalModel model, LocalChatClientOptions? options = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? new LocalChatClientOptions();
        if (_options.MaxConcurrentRequests < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrentRequests must be at least 1.");
        }

        var contextSize = _options.ContextSize ?? Math.Min(model.TrainedContextLength > 0 ? model.TrainedContextLength : 4096, 4096);
        var adapters = _options.Adapters.Select(a => (model.Adapter(a.Path), a.Scale)).ToArray();
        _pool = new ContextPool(model, contextSize, _options.BatchSize, _options.Threads ?? Environment.ProcessorCount, _options.MaxConcurrentRequests, adapters);
        ModelId = _options.ModelId ?? model.ModelId;
        _metadata = new ChatClientMetadata("llama.cpp", new Uri(model.Path), ModelId);
    }

    public string ModelId { get; }

    public LocalModel Model => _model;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);
        response.ModelId ??= ModelId;
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = GenerationRequest.Create(_model, messages.ToList(), options, _options);
        using var lease = await _pool.RentAsync(cancellationToken);
        using var generation = new Generation(_model, lease.Context, request);

        // Each step awaits its completion before the next, so when the caller stops early no native work is in
        // flight and the context can go straight back to the pool.
        await DecodeThread.Run(generation.Start, cancellationToken);
        while (true)
        {
            var (text, finish) = await DecodeThread.Run(generation.Next, cancellationToken);
            if (text.Length > 0)
            {
                yield return Update(request, new TextContent(text));
            }

            if (finish is not null)
            {
                var usage = new UsageDetails
                {
                    InputTokenCount = request.PromptTokens.Length,
                    OutputTokenCount = generation.Generated,
                    TotalTokenCount = request.PromptTokens.Length + generation.Generated,
                };
                var last = Update(request, new UsageContent(usage));
                last.FinishReason = finish;
                yield return last;
                yield break;
            }
        }
    }

    private ChatResponseUpdate Update(GenerationRequest request, AIContent content) => new(ChatRole.Assistant, [content])
    {
        ResponseId = request.ResponseId,
        MessageId = request.MessageId,
        CreatedAt = request.CreatedAt,
        ModelId = ModelId,
    };

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(LocalModel))
        {
            return _model;
        }

        if (serviceType == typeof(LocalChatClientOptions))
        {
            return _options;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() => _pool.Dispose();
}
