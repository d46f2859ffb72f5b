namespace Tailor.Data.Decontamination;

/// <summary>A training line that overlaps an eval text.</summary>
/// <param name="Line">1-based line of the training file.</param>
/// <param name="Eval">The eval text it matched.</param>
/// <param name="Method">How it matched.</param>
/// <param name="Score">Exact: 1; n-gram: the share of the eval text's n-grams found in the example; near: estimated Jaccard similarity.</param>
public sealed record ContaminationMatch(long Line, EvalText Eval, ContaminationMethod Method, double Score);
