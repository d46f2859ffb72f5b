using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Tailor.Local.Inference;

/// <summary>
/// An <see cref="IChatClient"/> over a local GGUF model through llama.cpp: formats the conversation with the
/// model's chat template, streams the reply as UTF-8-correct text, stops on end-of-generation tokens and on
/// stop sequences (never emitting them), and reports usage, finish reason and model id.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. Each request rents one of <see cref="LocalChatClientOptions.MaxConcurrentRequests"/> contexts;
/// more requests wait. Requests run interleaved rather than in parallel: LLamaSharp serialises <c>llama_decode</c>
/// process-wide, and each decode already uses every core, so on a CPU the pool buys fairness and isolation (one
/// request's numerics never depend on another's), not throughput. Batched decoding of several sequences in one
/// call would add throughput for small models; the pool keeps each reply reproducible from its seed alone.
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
        var request = Request.Create(_model, messages.ToList(), options, _options, _options.TimeProvider);
        using var lease = await _pool.RentAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        // Native decoding blocks; it runs on a thread of its own and hands updates over the channel.
        var producer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    Generate(lease.Context, request, channel.Writer, stop.Token);
                    channel.Writer.Complete();
                }
                catch (Exception ex)
                {
                    channel.Writer.Complete(ex);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            // The caller may stop reading early: end generation before the context goes back to the pool.
            await stop.CancelAsync();
            await producer;
        }
    }

    private void Generate(SafeLLamaContextHandle context, Request request, ChannelWriter<ChatResponseUpdate> output, CancellationToken cancellationToken)
    {
        var contextSize = (int)context.ContextSize;
        var prompt = request.PromptTokens;
        if (prompt.Length >= contextSize)
        {
            throw new ArgumentException($"The prompt is {prompt.Length} tokens; the context holds {contextSize}. Shorten the conversation or raise ContextSize.");
        }

        using var sampler = SamplerFactory.Create(request.Temperature, request.TopP, request.TopK, request.FrequencyPenalty, request.PresencePenalty, request.Seed);
        var batch = new LLamaBatch();
        var batchSize = (int)context.BatchSize;
        for (var start = 0; start < prompt.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            var end = Math.Min(prompt.Length, start + batchSize);
            for (var i = start; i < end; i++)
            {
                batch.Add(prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            }

            Decode(context, batch);
        }

        var decoder = new Utf8TokenDecoder();
        var filter = new StopSequenceFilter(request.StopSequences);
        Span<byte> piece = stackalloc byte[256];
        var position = prompt.Length;
        var generated = 0;
        ChatFinishReason finish;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = (int)sampler.Sample(context, batch.TokenCount - 1);
            generated++;
            if (_model.IsEndOfGeneration(token))
            {
                finish = ChatFinishReason.Stop;
                break;
            }

            var length = _model.TokenBytes(token, piece);
            var text = filter.Push(decoder.Add(length <= piece.Length ? piece[..length] : TokenBytesSlow(token, length)));
            Emit(output, request, text);
            if (filter.Stopped)
            {
                finish = ChatFinishReason.Stop;
                break;
            }

            if (generated >= request.MaxOutputTokens || position + 1 >= contextSize)
            {
                finish = ChatFinishReason.Length;
                break;
            }

            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
            Decode(context, batch);
        }

        if (!filter.Stopped)
        {
            Emit(output, request, filter.Push(decoder.Flush()) + filter.Flush());
        }

        output.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
        {
            InputTokenCount = prompt.Length,
            OutputTokenCount = generated,
            TotalTokenCount = prompt.Length + generated,
        })])
        {
            ResponseId = request.ResponseId,
            MessageId = request.MessageId,
            CreatedAt = request.CreatedAt,
            ModelId = ModelId,
            FinishReason = finish,
        });
    }

    private byte[] TokenBytesSlow(int token, int length)
    {
        var buffer = new byte[length];
        _model.TokenBytes(token, buffer);
        return buffer;
    }

    private void Emit(ChannelWriter<ChatResponseUpdate> output, Request request, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        output.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, text)
        {
            ResponseId = request.ResponseId,
            MessageId = request.MessageId,
            CreatedAt = request.CreatedAt,
            ModelId = ModelId,
        });
    }

    private static void Decode(SafeLLamaContextHandle context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed ({result}).");
        }
    }

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

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>Everything one generation needs, resolved from the request, the client's defaults and the model.</summary>
    private sealed record Request(
        int[] PromptTokens,
        float Temperature,
        float? TopP,
        int? TopK,
        float? FrequencyPenalty,
        float? PresencePenalty,
        uint Seed,
        int MaxOutputTokens,
        IReadOnlyList<string> StopSequences,
        string ResponseId,
        string MessageId,
        DateTimeOffset CreatedAt)
    {
        public static Request Create(LocalModel model, IList<ChatMessage> messages, ChatOptions? options, LocalChatClientOptions client, TimeProvider time)
        {
            var defaults = client.Defaults;
            var prompt = PromptFormatter.Format(model, messages, options);
            var tokens = model.Tokenize(prompt, addSpecial: true, parseSpecial: true);
            if (tokens.Length >= 2 && tokens[0] == model.BosToken && tokens[1] == model.BosToken)
            {
                tokens = tokens[1..]; // the template wrote BOS itself
            }

            return new Request(
                tokens,
                options?.Temperature ?? defaults?.Temperature ?? client.DefaultTemperature,
                options?.TopP ?? defaults?.TopP,
                options?.TopK ?? defaults?.TopK,
                options?.FrequencyPenalty ?? defaults?.FrequencyPenalty,
                options?.PresencePenalty ?? defaults?.PresencePenalty,
                SamplerFactory.Seed(options, defaults),
                options?.MaxOutputTokens ?? defaults?.MaxOutputTokens ?? int.MaxValue,
                [.. options?.StopSequences ?? [], .. defaults?.StopSequences ?? []],
                "local-" + Guid.NewGuid().ToString("N"),
                "msg-" + Guid.NewGuid().ToString("N"),
                time.GetUtcNow());
        }
    }
}
