namespace Tailor.Evals.Comparison;

/// <summary>Which way a metric improves: most scores go up, latency, cost and token counts go down.</summary>
public static class MetricDirection
{
    private static readonly HashSet<string> LowerIsBetterNames = new(StringComparer.Ordinal)
    {
        RunSummary.LatencyMetric, "latency", "cost", "tokens", "input_tokens", RunSummary.OutputTokensMetric,
    };

    public static bool LowerIsBetter(string metric) => LowerIsBetterNames.Contains(metric);
}
