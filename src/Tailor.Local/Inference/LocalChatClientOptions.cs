using Microsoft.Extensions.AI;

namespace Tailor.Local.Inference;

/// <summary>A LoRA adapter file applied at inference, with its strength (1 = as trained, 0 = off).</summary>
public sealed record LoraAdapterReference(string Path, float Scale = 1f);

/// <summary>How a <see cref="LocalChatClient"/> runs its model. Immutable.</summary>
public sealed record LocalChatClientOptions
{
    /// <summary>Tokens of context per request (prompt + reply); null: the model's trained length, at most 4096.</summary>
    public int? ContextSize { get; init; }

    /// <summary>
    /// Requests served at once, each on a context of its own; further requests wait for a free one.
    /// Each context holds a KV cache of <see cref="ContextSize"/> tokens, so memory grows with this number.
    /// </summary>
    public int MaxConcurrentRequests { get; init; } = 2;

    /// <summary>CPU threads per decode; null: all cores. On a machine busy with other work, fewer threads avoid ggml's threads waiting on a descheduled peer (1 thread was the fastest for tiny models on 2 shared cores).</summary>
    public int? Threads { get; init; }

    /// <summary>Prompt tokens evaluated per decode call.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>LoRA adapters applied to every request, in order.</summary>
    public IReadOnlyList<LoraAdapterReference> Adapters { get; init; } = [];

    /// <summary>Reported as <see cref="ChatResponse.ModelId"/>; null: <c>general.name</c> or the file name.</summary>
    public string? ModelId { get; init; }

    /// <summary>Values used where a request's <see cref="ChatOptions"/> leaves a field unset (temperature, top-p, max tokens, seed, stop).</summary>
    public ChatOptions? Defaults { get; init; }

    /// <summary>Temperature when neither the request nor <see cref="Defaults"/> sets one (llama.cpp's default).</summary>
    public float DefaultTemperature { get; init; } = 0.8f;

    /// <summary>Clock for <see cref="ChatResponse.CreatedAt"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
