using Tailor.Data.Tokens;

namespace Tailor.Tuning.Backends.OpenAI;

/// <summary>
/// OpenAI's estimate, as OpenAI's own data-preparation cookbook computes it: billed tokens are the data's tokens times
/// the epochs, where "auto" epochs are 3, raised for small sets (to reach 100 example passes, at most 25 epochs) and
/// lowered for large ones (to stay near 25,000 passes, at least 1); priced per million at the model's list price.
/// OpenAI has no dry run, so this is the estimate.
/// </summary>
/// <remarks>Thread-safe; no I/O.</remarks>
public sealed class OpenAICostEstimator(string model, int? epochs, decimal? pricePerMillion) : ITuningCostEstimator
{
    public string Backend => "openai";

    /// <summary>The epochs OpenAI picks for <paramref name="examples"/> when asked for "auto".</summary>
    public static int AutoEpochs(long examples)
    {
        const int Target = 3, MinPasses = 100, MaxPasses = 25_000, MaxEpochs = 25;
        if (examples <= 0)
        {
            return Target;
        }

        if (examples * Target < MinPasses)
        {
            return (int)Math.Min(MaxEpochs, Math.Ceiling(MinPasses / (double)examples));
        }

        return examples * Target > MaxPasses ? (int)Math.Max(1, MaxPasses / examples) : Target;
    }

    public CostEstimate Estimate(TokenReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        int passes = epochs ?? AutoEpochs(report.Examples);
        long tokens = report.TotalTokens * passes;
        string basis = $"{tokens:N0} billed tokens ({report.TotalTokens:N0} data tokens{(report.IsEstimate ? ", estimated with " + report.Tokenizer : "")} x {passes} epochs{(epochs is null ? ", OpenAI's auto choice for " + report.Examples + " examples" : "")})";
        return pricePerMillion is { } price
            ? new CostEstimate(Backend, null, Math.Round(tokens / 1_000_000m * price, 2), "USD", $"{basis} at ${price}/M for {model}")
            : new CostEstimate(Backend, null, null, null, $"{basis}; no price known for {model}: pass --price-per-million");
    }
}
