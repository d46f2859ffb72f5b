using System.Globalization;
using Microsoft.Extensions.AI.Evaluation;

namespace Tailor.Evals.Scoring;

/// <summary>
/// How the model call that produced a response went: its latency. Given to evaluators as
/// additional context; token counts come from the response's own <c>Usage</c>.
/// </summary>
public sealed class CallContext : EvaluationContext
{
    /// <summary>The context's name among an evaluator's contexts.</summary>
    public const string ContextName = "Call (latency)";

    public CallContext(double latencyMs)
        : base(ContextName, latencyMs.ToString("0.###", CultureInfo.InvariantCulture) + " ms")
    {
        LatencyMs = latencyMs;
    }

    /// <summary>Wall time of the call in milliseconds (of the original call, for a cached response).</summary>
    public double LatencyMs { get; }
}
