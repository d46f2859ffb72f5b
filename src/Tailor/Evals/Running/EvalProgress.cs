namespace Tailor.Evals.Running;

/// <summary>How far a run is: results written so far out of the total, and how they went.</summary>
/// <param name="Done">Results finished in this invocation plus those a resumed run skipped.</param>
/// <param name="Total">Cases times repeats, as counted at the start.</param>
/// <param name="Passed">Results of this invocation that passed.</param>
/// <param name="Failed">Results of this invocation answered but failed.</param>
/// <param name="Errors">Results of this invocation without an answer.</param>
/// <param name="CacheHits">Results of this invocation answered from the cache.</param>
public readonly record struct EvalProgress(long Done, long Total, long Passed, long Failed, long Errors, long CacheHits);
