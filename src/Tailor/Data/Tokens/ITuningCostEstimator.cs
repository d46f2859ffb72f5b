namespace Tailor.Data.Tokens;

/// <summary>What a tuning backend expects a run to take: time, money, and how it worked that out.</summary>
/// <param name="Backend">The backend's name (<c>local</c>, <c>mistral</c>, <c>openai</c>).</param>
/// <param name="Duration">Expected wall time; null when the backend cannot tell.</param>
/// <param name="Cost">Expected price; null when free or unknown.</param>
/// <param name="Currency">ISO currency of <paramref name="Cost"/>.</param>
/// <param name="Basis">One sentence on how the figure was computed (price per token, measured throughput).</param>
public sealed record CostEstimate(string Backend, TimeSpan? Duration, decimal? Cost, string? Currency, string Basis);

/// <summary>
/// The hook tuning backends implement so the token report can say what a run will cost before it starts.
/// </summary>
/// <remarks>Implementations are thread-safe and do no I/O: they price from what they already know.</remarks>
public interface ITuningCostEstimator
{
    string Backend { get; }

    CostEstimate Estimate(TokenReport report);
}
