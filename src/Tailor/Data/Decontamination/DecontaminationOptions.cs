using Tailor.Data.Dedup;

namespace Tailor.Data.Decontamination;

/// <summary>Which overlap tests <see cref="ContaminationIndex"/> runs.</summary>
public sealed record DecontaminationOptions
{
    public bool Exact { get; init; } = true;
    public bool NGrams { get; init; } = true;
    public bool Near { get; init; } = true;

    /// <summary>N-gram length in words (13, as GPT-3's decontamination).</summary>
    public int NGram { get; init; } = 13;

    /// <summary>
    /// An eval text shorter than <see cref="NGram"/> words is matched as one n-gram of its own length,
    /// if it has at least this many words; shorter ones ("Hello!") only match exactly.
    /// </summary>
    public int MinShortTextWords { get; init; } = 8;

    /// <summary>MinHash settings for the near-duplicate test (threshold 0.7 by default: stricter on leaks than dedup).</summary>
    public LshParameters Lsh { get; init; } = new() { Threshold = 0.7 };
}
