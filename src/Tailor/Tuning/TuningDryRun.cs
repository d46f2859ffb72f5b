using Tailor.Data.Tokens;

namespace Tailor.Tuning;

/// <summary>
/// What a job would take, without starting it: the cost estimate (the vendor's own when it offers a dry run, else the
/// backend's estimator) and the vendor's figures. Immutable.
/// </summary>
/// <param name="Estimate">Time and money.</param>
/// <param name="TrainTokens">Tokens the run would train on (data tokens × epochs), when known.</param>
/// <param name="DataTokens">Tokens in the training data, as the backend counts them.</param>
/// <param name="Epochs">Passes over the data.</param>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="Details">Anything else the backend said, one line each.</param>
public sealed record TuningDryRun(CostEstimate Estimate, long? TrainTokens, long? DataTokens, double? Epochs, int? Steps, IReadOnlyList<string> Details);
