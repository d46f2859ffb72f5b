using System.Globalization;
using Tailor.Data.Tokens;

namespace Tailor.Local.Tuning;

/// <summary>
/// The local trainer's estimate: no money, and a time from the work, 6 × parameters × trained positions (forward and
/// backward), at the rate the trainer was measured at on a small shared 2-core machine (bench/results/local-engine.md:
/// about 30 GFLOP/s on one thread). A faster machine is proportionally quicker; the first steps' own timing replaces
/// this once the job runs.
/// </summary>
/// <remarks>Thread-safe; no I/O.</remarks>
public sealed class LocalCostEstimator(long parameters, long trainedPositions, double gigaflopsPerSecond = LocalCostEstimator.MeasuredGigaflops) : ITuningCostEstimator
{
    /// <summary>GFLOP/s the trainer reached on one thread of a shared 2-core AVX-512 machine.</summary>
    public const double MeasuredGigaflops = 30;

    public string Backend => "local";

    public CostEstimate Estimate(TokenReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        double seconds = 6.0 * parameters * trainedPositions / (gigaflopsPerSecond * 1e9);
        return new CostEstimate(Backend, TimeSpan.FromSeconds(Math.Ceiling(seconds)), null, null, string.Create(CultureInfo.InvariantCulture,
            $"runs on this machine at no charge; {trainedPositions:N0} trained positions x 6 x {parameters:N0} parameters at ~{gigaflopsPerSecond:0} GFLOP/s (the trainer's measured CPU rate)"));
    }
}
