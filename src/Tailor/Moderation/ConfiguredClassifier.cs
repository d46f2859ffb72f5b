namespace Tailor.Moderation;

/// <summary>A classifier as the moderation layer runs it: with thresholds of its own, which win over the layer's.</summary>
/// <param name="Classifier">The classifier.</param>
/// <param name="Thresholds">Per-category thresholds for this classifier only; null or missing categories fall back.</param>
public sealed record ConfiguredClassifier(IModerationClassifier Classifier, IReadOnlyDictionary<string, double>? Thresholds = null);
