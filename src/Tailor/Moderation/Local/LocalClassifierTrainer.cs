using System.Security.Cryptography;
using System.Text;
using Tailor.Moderation.Evaluation;

namespace Tailor.Moderation.Local;

/// <summary>
/// Trains a <see cref="LocalClassifierModel"/> from labelled texts: multi-label logistic regression (one sigmoid per
/// category, binary cross-entropy with positives up-weighted by √(negatives/positives)) fitted with AdaGrad, in three
/// phases: (1) hash every text into features once; (2) fit on the groups outside a held-out share and pick, per
/// category, the threshold with the best F1 on the held-out share; (3) fit again on everything and keep those thresholds.
/// </summary>
/// <remarks>Single-threaded and deterministic: the same examples, order and options give the same bytes.</remarks>
public static class LocalClassifierTrainer
{
    /// <summary>Trains on <paramref name="examples"/>; <paramref name="progress"/> hears "phase: detail" lines.</summary>
    public static LocalClassifierModel Train(
        IReadOnlyList<LabelledText> examples, LocalClassifierTrainingOptions? options = null, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        options ??= new LocalClassifierTrainingOptions();
        if (examples.Count == 0)
        {
            throw new ArgumentException("There are no examples to train on.", nameof(examples));
        }
        string[] categories = [.. options.Categories ?? ModerationCategories.All.Select(c => c.Id)];
        int c = categories.Length;

        // 1. Features: each text once, as (feature, value) pairs with values scaled by 1/sqrt(feature count).
        var data = Featurize(examples, categories, (1 << options.BucketBits) - 1, out int[] buckets);
        progress?.Invoke($"features: {examples.Count} examples, {buckets.Length} distinct features");

        // 2. Thresholds from a held-out share of groups.
        bool[] heldOut = [.. examples.Select(e => IsHeldOut(e, options.ValidationFraction))];
        var fitIndices = Enumerable.Range(0, data.Length).Where(i => !heldOut[i]).ToArray();
        var validIndices = Enumerable.Range(0, data.Length).Where(i => heldOut[i]).ToArray();
        double[] thresholds = new double[c];
        Array.Fill(thresholds, 0.5);
        if (validIndices.Length > 0 && fitIndices.Length > 0)
        {
            var (w, b) = Fit(data, fitIndices, buckets.Length, c, options, cancellationToken);
            for (int k = 0; k < c; k++)
            {
                thresholds[k] = BestThreshold(data, validIndices, w, b, c, k, options);
            }
            progress?.Invoke($"thresholds: tuned on {validIndices.Length} held-out examples");
        }

        // 3. Final fit on everything.
        var (weights, bias) = Fit(data, Enumerable.Range(0, data.Length).ToArray(), buckets.Length, c, options, cancellationToken);
        progress?.Invoke($"fit: {options.Epochs} epochs over {data.Length} examples");

        // Weights are stored as 16-bit floats; round now so the model in memory is the model on disk.
        var rounded = new float[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            rounded[i] = (float)(Half)weights[i];
        }
        var info = new LocalClassifierInfo
        {
            DataSha256 = Fingerprint(examples),
            Examples = examples.Count,
            Epochs = options.Epochs,
            Seed = options.Seed,
            LearningRate = options.LearningRate,
            L2 = options.L2,
            Features = buckets.Length,
            Source = options.Source,
        };
        return new LocalClassifierModel(categories, thresholds, bias, options.BucketBits, buckets, rounded, info);
    }

    /// <summary>SHA-256 (hex) of the examples' texts and labels, in order: which data a model saw.</summary>
    public static string Fingerprint(IEnumerable<LabelledText> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var example in examples)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{example.Text}\t{string.Join(",", example.Labels)}\n"));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private sealed record Example(int[] Features, float[] Values, bool[] Labels);

    private static Example[] Featurize(IReadOnlyList<LabelledText> examples, string[] categories, int mask, out int[] buckets)
    {
        var raw = new List<int>[examples.Count];
        var seen = new SortedSet<int>();
        for (int i = 0; i < examples.Count; i++)
        {
            var sink = new CollectingSink { Buckets = [] };
            FeatureHasher.ForEachWord(examples[i].Text, mask, ref sink);
            raw[i] = sink.Buckets;
            seen.UnionWith(sink.Buckets);
        }

        buckets = [.. seen];
        var compact = new Dictionary<int, int>(buckets.Length);
        for (int f = 0; f < buckets.Length; f++)
        {
            compact[buckets[f]] = f;
        }

        var data = new Example[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            var counts = new SortedDictionary<int, int>();
            foreach (int bucket in raw[i])
            {
                int f = compact[bucket];
                counts[f] = counts.GetValueOrDefault(f) + 1;
            }
            float scale = raw[i].Count > 0 ? 1f / MathF.Sqrt(raw[i].Count) : 0f;
            data[i] = new Example(
                [.. counts.Keys],
                [.. counts.Values.Select(n => n * scale)],
                [.. categories.Select(examples[i].Labels.Contains)]);
        }
        return data;
    }

    private struct CollectingSink : IWordSink
    {
        public List<int> Buckets;

        public readonly void OnWord(ReadOnlySpan<int> buckets)
        {
            foreach (int b in buckets)
            {
                Buckets.Add(b);
            }
        }
    }

    private static (float[] Weights, float[] Bias) Fit(Example[] data, int[] indices, int features, int c, LocalClassifierTrainingOptions options, CancellationToken cancellationToken)
    {
        var w = new float[features * c];
        var gw = new float[features * c];
        var b = new float[c];
        var gb = new float[c];
        var positiveWeight = new float[c];
        for (int k = 0; k < c; k++)
        {
            int positives = indices.Count(i => data[i].Labels[k]);
            positiveWeight[k] = positives == 0 ? 1f : Math.Clamp(MathF.Sqrt((indices.Length - positives) / (float)positives), 1f, (float)options.MaxPositiveWeight);
        }

        float lr = (float)options.LearningRate;
        float l2 = (float)options.L2;
        const float eps = 1e-8f;
        var random = new Random(options.Seed);
        var order = (int[])indices.Clone();
        Span<float> gradient = stackalloc float[c];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            foreach (int i in order)
            {
                var example = data[i];
                for (int k = 0; k < c; k++)
                {
                    float z = b[k];
                    for (int j = 0; j < example.Features.Length; j++)
                    {
                        z += w[example.Features[j] * c + k] * example.Values[j];
                    }
                    float p = 1f / (1f + MathF.Exp(-z));
                    gradient[k] = example.Labels[k] ? (p - 1f) * positiveWeight[k] : p;
                    gb[k] += gradient[k] * gradient[k];
                    b[k] -= lr * gradient[k] / (MathF.Sqrt(gb[k]) + eps);
                }
                for (int j = 0; j < example.Features.Length; j++)
                {
                    int row = example.Features[j] * c;
                    float x = example.Values[j];
                    for (int k = 0; k < c; k++)
                    {
                        float g = gradient[k] * x + l2 * w[row + k];
                        gw[row + k] += g * g;
                        w[row + k] -= lr * g / (MathF.Sqrt(gw[row + k]) + eps);
                    }
                }
            }
        }
        return (w, b);
    }

    // The threshold with the best F1 on held-out examples; among equal ones, the middle of the run (least fragile).
    private static double BestThreshold(Example[] data, int[] indices, float[] w, float[] b, int c, int k, LocalClassifierTrainingOptions options)
    {
        var scored = indices.Select(i =>
        {
            float z = b[k];
            var e = data[i];
            for (int j = 0; j < e.Features.Length; j++)
            {
                z += w[e.Features[j] * c + k] * e.Values[j];
            }
            return (P: 1.0 / (1.0 + Math.Exp(-z)), Y: e.Labels[k]);
        }).ToArray();
        if (!scored.Any(s => s.Y))
        {
            return 0.5;
        }

        double bestF1 = -1;
        int bestFrom = 50, bestTo = 50;
        int floor = (int)Math.Round(options.MinThreshold * 100);
        for (int t = floor; t <= 90; t++)
        {
            double threshold = t / 100.0;
            int tp = scored.Count(s => s.Y && s.P >= threshold);
            int fp = scored.Count(s => !s.Y && s.P >= threshold);
            int fn = scored.Count(s => s.Y && s.P < threshold);
            double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > bestF1 + 1e-12)
            {
                bestF1 = f1;
                bestFrom = bestTo = t;
            }
            else if (Math.Abs(f1 - bestF1) <= 1e-12 && bestTo == t - 1)
            {
                bestTo = t;
            }
        }
        return (bestFrom + bestTo) / 2 / 100.0;
    }

    private static bool IsHeldOut(LabelledText example, double fraction)
    {
        string key = example.Group ?? example.Text;
        uint h = 2166136261;
        foreach (char ch in key)
        {
            h = (h ^ ch) * 16777619;
        }
        return h % 1000 < fraction * 1000;
    }
}
