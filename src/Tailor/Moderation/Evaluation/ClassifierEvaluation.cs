using System.Diagnostics;

namespace Tailor.Moderation.Evaluation;

/// <summary>
/// Measures a <see cref="Moderator"/> on labelled examples (<see cref="LabelledTextReader"/>): each example is checked
/// on its own side (input or output) exactly as the moderation layer would check it; a category counts as predicted
/// when the moderator finds it, whatever the policy then does. Latency is the wall time of each check after one
/// untimed warm-up call. Streams the examples: memory grows only by one score vector per example (for the sweep).
/// </summary>
public static class ClassifierEvaluation
{
    /// <summary>Sweep thresholds: 0.05 to 0.95 by 0.05.</summary>
    public static IReadOnlyList<double> SweepThresholds { get; } = [.. Enumerable.Range(1, 19).Select(i => i * 0.05)];

    public static async Task<ClassifierEvaluationReport> RunAsync(
        IAsyncEnumerable<LabelledText> examples, Moderator moderator, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(moderator);
        string[] categories = [.. ModerationCategories.All.Select(c => c.Id)];
        var tp = new int[categories.Length];
        var fp = new int[categories.Length];
        var fn = new int[categories.Length];
        var support = new int[categories.Length];
        var confusion = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var slices = new Dictionary<string, (int Examples, int Flagged)>(StringComparer.Ordinal);
        var scored = new List<(float[] Scores, bool[] Truth)>();
        var latencies = new List<double>();
        int total = 0, benign = 0, benignFlagged = 0;

        bool warm = false;
        await foreach (var example in examples.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!warm)
            {
                // The first call pays for JIT compilation and lazy regex construction; it would dominate p99 otherwise.
                await moderator.ModerateAsync(new ModerationRequest(example.Text, example.Direction), null, cancellationToken).ConfigureAwait(false);
                warm = true;
            }
            long started = Stopwatch.GetTimestamp();
            var verdict = await moderator.ModerateAsync(new ModerationRequest(example.Text, example.Direction), null, cancellationToken).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            total++;

            var found = verdict.Findings.Select(f => f.Category).ToHashSet(StringComparer.Ordinal);
            var scores = new float[categories.Length];
            var truth = new bool[categories.Length];
            for (int k = 0; k < categories.Length; k++)
            {
                scores[k] = (float)verdict.Results.Where(r => r.Error is null).Select(r => r.ScoreOf(categories[k])).DefaultIfEmpty(0).Max();
                truth[k] = example.Labels.Contains(categories[k]);
                bool predicted = found.Contains(categories[k]);
                support[k] += truth[k] ? 1 : 0;
                tp[k] += truth[k] && predicted ? 1 : 0;
                fp[k] += !truth[k] && predicted ? 1 : 0;
                fn[k] += truth[k] && !predicted ? 1 : 0;
            }
            scored.Add((scores, truth));

            foreach (string actual in example.Labels.Count == 0 ? ["benign"] : example.Labels)
            {
                var row = confusion.TryGetValue(actual, out var r) ? r : confusion[actual] = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (string predicted in found.Count == 0 ? ["none"] : found)
                {
                    row[predicted] = row.GetValueOrDefault(predicted) + 1;
                }
            }

            if (example.IsBenign)
            {
                benign++;
                bool flagged = found.Count > 0;
                benignFlagged += flagged ? 1 : 0;
                foreach (string tag in example.Tags ?? [])
                {
                    var (n, f) = slices.GetValueOrDefault(tag);
                    slices[tag] = (n + 1, f + (flagged ? 1 : 0));
                }
            }
            progress?.Report(total);
        }

        var metrics = new List<CategoryMetrics>();
        var sweep = new Dictionary<string, IReadOnlyList<ThresholdPoint>>(StringComparer.Ordinal);
        for (int k = 0; k < categories.Length; k++)
        {
            if (support[k] == 0 && fp[k] == 0)
            {
                continue;
            }
            metrics.Add(new CategoryMetrics(categories[k], support[k], tp[k], fp[k], fn[k]));
            if (support[k] > 0)
            {
                sweep[categories[k]] = [.. SweepThresholds.Select(t => Point(scored, k, t))];
            }
        }

        latencies.Sort();
        return new ClassifierEvaluationReport
        {
            Classifiers = string.Join("+", moderator.Classifiers.Select(c => c.Classifier.Name)),
            Examples = total,
            Benign = benign,
            BenignFlagged = benignFlagged,
            Categories = metrics,
            BenignSlices = [.. slices.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new BenignSlice(s.Key, s.Value.Examples, s.Value.Flagged))],
            Confusion = confusion.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, int>)r.Value, StringComparer.Ordinal),
            Sweep = sweep,
            LatencyP50Ms = Percentile(latencies, 0.50),
            LatencyP99Ms = Percentile(latencies, 0.99),
            LatencyMeanMs = latencies.Count == 0 ? 0 : latencies.Average(),
        };
    }

    /// <summary>The value below which <paramref name="fraction"/> of the sorted values lie (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }
        int rank = (int)Math.Ceiling(fraction * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static ThresholdPoint Point(List<(float[] Scores, bool[] Truth)> scored, int k, double threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        foreach (var (scores, truth) in scored)
        {
            bool predicted = scores[k] >= threshold;
            if (predicted && truth[k])
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (truth[k])
            {
                fn++;
            }
        }
        double precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        double f1 = 2.0 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        return new ThresholdPoint(Math.Round(threshold, 2), precision, recall, f1);
    }
}
