namespace Tailor.Data.Tokens;

/// <summary>
/// Counts the tokens of examples. The library ships an estimate (<see cref="TiktokenEstimateCounter"/>);
/// the exact count comes from the model's own tokenizer, which hosts such as the CLI supply (the
/// local engine's GGUF tokenizer) so this library never depends on an engine.
/// </summary>
/// <remarks>Implementations are thread-safe: reports count in parallel.</remarks>
public interface ITokenCounter
{
    /// <summary>What counts: a tokenizer name, e.g. <c>models/tiny.gguf</c> or <c>o200k_base</c>.</summary>
    string Name { get; }

    /// <summary>True when the count approximates the target model's tokenizer; reports label it so.</summary>
    bool IsEstimate { get; }

    TokenCount Count(Conversation conversation);
}
