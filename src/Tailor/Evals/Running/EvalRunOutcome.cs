using Tailor.Evals.Results;
using Tailor.Spec;

namespace Tailor.Evals.Running;

/// <summary>What one invocation of <see cref="EvalRunner.RunAsync"/> did.</summary>
/// <param name="Run">The run as stored at the end.</param>
/// <param name="Executed">Results produced by this invocation.</param>
/// <param name="Skipped">Results a resumed run already had.</param>
/// <param name="Passed">Of <paramref name="Executed"/>, how many passed.</param>
/// <param name="Failed">Of <paramref name="Executed"/>, how many were answered but failed.</param>
/// <param name="Errors">Of <paramref name="Executed"/>, how many got no answer (they are retried by a resume).</param>
/// <param name="CacheHits">Of <paramref name="Executed"/>, how many were answered from the cache.</param>
/// <param name="Diagnostics">Bad case rows that were skipped.</param>
public sealed record EvalRunOutcome(
    EvalRun Run, long Executed, long Skipped, long Passed, long Failed, long Errors, long CacheHits, IReadOnlyList<SpecDiagnostic> Diagnostics);
