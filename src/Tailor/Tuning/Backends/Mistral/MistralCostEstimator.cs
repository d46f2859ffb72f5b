using Tailor.Data.Tokens;

namespace Tailor.Tuning.Backends.Mistral;

/// <summary>
/// Mistral's offline estimate: trained tokens are the data's tokens times the epochs (Mistral counts them with its own
/// tokenizer; ours is an estimate), priced per million when a price is known, never below Mistral's minimum fee.
/// The authoritative figure is Mistral's own dry run (<c>tailor tune start --dry-run</c>).
/// </summary>
/// <remarks>Thread-safe; no I/O.</remarks>
public sealed class MistralCostEstimator(string model, double? epochs, decimal? pricePerMillion) : ITuningCostEstimator
{
    public string Backend => "mistral";

    public CostEstimate Estimate(TokenReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (epochs is not { } passes)
        {
            return new CostEstimate(Backend, null, pricePerMillion is null ? null : HostedPrices.MistralMinimumFee, "USD",
                $"Mistral prices by trained tokens and this job sets steps, not epochs, so its token count is Mistral's to tell: run with --dry-run for Mistral's own estimate (at least ${HostedPrices.MistralMinimumFee} per job).");
        }

        long tokens = (long)Math.Ceiling(report.TotalTokens * passes);
        if (pricePerMillion is not { } price)
        {
            return new CostEstimate(Backend, null, null, null,
                $"{tokens:N0} trained tokens ({report.TotalTokens:N0} data tokens{(report.IsEstimate ? ", estimated" : "")} x {JsonFields.Invariant(passes)} epochs); no price known for {model}: pass --price-per-million, or --dry-run for Mistral's own estimate.");
        }

        decimal cost = Math.Max(HostedPrices.MistralMinimumFee, Math.Round(tokens / 1_000_000m * price, 2));
        return new CostEstimate(Backend, null, cost, "USD",
            $"{tokens:N0} trained tokens ({report.TotalTokens:N0} data tokens{(report.IsEstimate ? ", estimated" : "")} x {JsonFields.Invariant(passes)} epochs) at ${price}/M, minimum ${HostedPrices.MistralMinimumFee} per job.");
    }
}
