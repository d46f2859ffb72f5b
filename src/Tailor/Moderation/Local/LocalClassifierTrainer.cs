using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tailor.Moderation.Evaluation;

namespace Tailor.Moderation.Local;

/// <summary>
/// Trains a <see cref="LocalClassifierModel"/> from labelled texts: a linear softmax over benign and the categories on
/// the distinct features of each text (cross-entropy; a text with several labels spreads its target evenly; texts of
/// rare categories up-weighted by √(others/theirs), capped) fitted with AdaGrad, in four phases: (1) hash every text into features once, a long
/// benign text as the windows scoring will see; (2) score every example out of fold (fit on the other folds of
/// groups); (3) calibrate each category's threshold on those scores, precision first (<see cref="ThresholdCalibration"/>);
/// (4) fit on everything, benign texts the out-of-fold models flagged weighing more, and keep those thresholds.
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
        options.Features.Validate();
        if (options.Folds < 1 || options.TargetPrecision is <= 0 or > 1 || options.MaxBenignRate is < 0 or > 1 || options.HardNegativeWeight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Folds must be at least 1, TargetPrecision in (0, 1], MaxBenignRate in [0, 1] and HardNegativeWeight at least 1.");
        }
        if (examples.Count == 0)
        {
            throw new ArgumentException("There are no examples to train on.", nameof(examples));
        }
        string[] categories = [.. options.Categories ?? ModerationCategories.All.Select(c => c.Id)];
        int c = categories.Length;
        var inv = CultureInfo.InvariantCulture;

        // 1. Features: each text once, as (feature, value) rows; the rows of a long benign text are its scoring windows.
        var data = Featurize(examples, categories, options, out int[] buckets);
        progress?.Invoke($"features: {examples.Count} examples ({data.Length} rows), {buckets.Length} distinct features");

        // 2 and 3. Thresholds from out-of-fold scores: each fold of groups is scored by a fit on the other folds, exactly
        // as the final model will score, so every example is judged by a model that never saw its phrasing.
        int[] fold = [.. examples.Select(e => FoldOf(e, options.Folds))];
        var outOfFold = new float[examples.Count][];
        for (int f = 0; f < options.Folds; f++)
        {
            var fitRows = Enumerable.Range(0, data.Length).Where(r => fold[data[r].Source] != f).ToArray();
            var scoredExamples = Enumerable.Range(0, examples.Count).Where(i => fold[i] == f).ToArray();
            if (fitRows.Length == 0 || scoredExamples.Length == 0)
            {
                continue;
            }
            var (w, b) = Fit(data, fitRows, buckets.Length, c, options, cancellationToken);
            var probe = Build(categories, new double[c], b, buckets, w, options, new LocalClassifierInfo());
            foreach (int i in scoredExamples)
            {
                outOfFold[i] = probe.Predict(examples[i].Text);
            }
            progress?.Invoke($"fold {f + 1}/{options.Folds}: fitted on {fitRows.Length} rows, scored {scoredExamples.Length} held-out examples");
        }
        var scored = Enumerable.Range(0, examples.Count).Where(i => outOfFold[i] is not null).Select(i => (Scores: outOfFold[i], Example: examples[i])).ToList();
        double[] thresholds = new double[c];
        Array.Fill(thresholds, 0.5);
        if (scored.Count > 0)
        {
            for (int k = 0; k < c; k++)
            {
                string category = categories[k];
                var calibrated = ThresholdCalibration.Choose(
                    [.. scored.Select(s => (s.Scores[k], s.Example.Labels.Contains(category), s.Example.IsBenign))],
                    options.TargetPrecision, options.MaxBenignRate, options.MinThreshold);
                thresholds[k] = calibrated.Threshold;
                progress?.Invoke(string.Create(inv,
                    $"threshold: {category} {calibrated.Threshold:0.00}{(calibrated.ReachedTarget ? "" : " (target precision not reached: best F0.5)")} (out of fold: precision {calibrated.Precision:0.00}, recall {calibrated.Recall:0.00} of {calibrated.Positives}, benign flagged {calibrated.BenignFlagged}/{calibrated.Benign})"));
            }
            progress?.Invoke($"thresholds: calibrated on {scored.Count} out-of-fold examples for precision {options.TargetPrecision.ToString(inv)}");
        }

        // Hard negatives: benign examples some out-of-fold model flagged weigh more in the final fit, so it learns what
        // made them look harmful. The thresholds stay those calibrated above; on texts like these the final model is
        // stricter than the models they were calibrated on, which errs on the side of precision.
        if (scored.Count > 0 && options.HardNegativeWeight > 1)
        {
            var hard = new HashSet<int>(Enumerable.Range(0, examples.Count).Where(i =>
                outOfFold[i] is { } p && examples[i].IsBenign && Enumerable.Range(0, c).Any(k => p[k] >= thresholds[k])));
            foreach (var row in data.Where(r => hard.Contains(r.Source)))
            {
                row.Weight = (float)options.HardNegativeWeight;
            }
            progress?.Invoke($"hard negatives: {hard.Count} benign examples flagged out of fold weigh x{options.HardNegativeWeight.ToString(inv)}");
        }

        // 4. Final fit on everything.
        var (weights, bias) = Fit(data, Enumerable.Range(0, data.Length).ToArray(), buckets.Length, c, options, cancellationToken);
        progress?.Invoke($"fit: {options.Epochs} epochs over {data.Length} rows");

        var info = new LocalClassifierInfo
        {
            DataSha256 = Fingerprint(examples),
            Examples = examples.Count,
            Epochs = options.Epochs,
            Seed = options.Seed,
            LearningRate = options.LearningRate,
            L2 = options.L2,
            Features = buckets.Length,
            TargetPrecision = options.TargetPrecision,
            Source = options.Source,
        };
        return Build(categories, thresholds, bias, buckets, weights, options, info);
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

    // Weights are stored as 16-bit floats; round now so the model in memory is the model on disk.
    private static LocalClassifierModel Build(string[] categories, double[] thresholds, float[] bias, int[] buckets, float[] weights, LocalClassifierTrainingOptions options, LocalClassifierInfo info)
    {
        var rounded = new float[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            rounded[i] = (float)(Half)weights[i];
        }
        return new LocalClassifierModel(categories, thresholds, bias, options.BucketBits, buckets, rounded, info, options.Features, options.Window);
    }

    /// <summary>One training row: a text (or one window of a long benign text) as features, values and labels.</summary>
    private sealed class Row(int[] features, float[] values, bool[] labels, int source)
    {
        public int[] Features { get; } = features;
        public float[] Values { get; } = values;
        public bool[] Labels { get; } = labels;

        /// <summary>The example it comes from.</summary>
        public int Source { get; } = source;

        /// <summary>Multiplies the row's gradient: hard negatives weigh more in the final fit.</summary>
        public float Weight { get; set; } = 1f;
    }

    private static Row[] Featurize(IReadOnlyList<LabelledText> examples, string[] categories, LocalClassifierTrainingOptions options, out int[] buckets)
    {
        int mask = (1 << options.BucketBits) - 1;
        var words = new List<int[]>[examples.Count];
        var seen = new SortedSet<int>();
        for (int i = 0; i < examples.Count; i++)
        {
            var sink = new WordCollector { Words = [] };
            FeatureHasher.ForEachWord(examples[i].Text, options.Features, mask, ref sink);
            words[i] = sink.Words;
            foreach (var word in sink.Words)
            {
                seen.UnionWith(word);
            }
        }

        buckets = [.. seen];
        var compact = new Dictionary<int, int>(buckets.Length);
        for (int f = 0; f < buckets.Length; f++)
        {
            compact[buckets[f]] = f;
        }

        var rows = new List<Row>(examples.Count);
        for (int i = 0; i < examples.Count; i++)
        {
            bool[] labels = [.. categories.Select(examples[i].Labels.Contains)];
            // Scoring takes the highest window of a long text, so every window of a benign text must learn to stay low.
            // A harmful text is learnt whole: which of its windows carries the harm is not known.
            foreach (var (from, to) in examples[i].IsBenign ? Windows(words[i].Count, options.Window) : [(0, words[i].Count)])
            {
                // A feature counts once per row, as scoring counts it once per window.
                var present = new SortedSet<int>();
                for (int w = from; w < to; w++)
                {
                    foreach (int bucket in words[i][w])
                    {
                        present.Add(compact[bucket]);
                    }
                }
                float scale = 1f / MathF.Sqrt(Math.Max(present.Count, options.Features.LengthFloor));
                rows.Add(new Row([.. present], [.. present.Select(_ => scale)], labels, i));
            }
        }
        return [.. rows];
    }

    /// <summary>The windows <see cref="LocalClassifierModel"/> scores: <paramref name="window"/> words, overlapping by half.</summary>
    internal static IEnumerable<(int From, int To)> Windows(int words, int window)
    {
        int step = Math.Max(1, window / 2);
        for (int start = 0; ; start += step)
        {
            int end = Math.Min(start + window, words);
            yield return (start, end);
            if (end >= words)
            {
                yield break;
            }
        }
    }

    private struct WordCollector : IWordSink
    {
        public List<int[]> Words;

        public readonly void OnWord(ReadOnlySpan<int> buckets) => Words.Add(buckets.ToArray());
    }

    private static (float[] Weights, float[] Bias) Fit(Row[] data, int[] indices, int features, int c, LocalClassifierTrainingOptions options, CancellationToken cancellationToken)
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
                // Softmax over benign (logit 0) and the categories; a text with several labels spreads its target over them.
                int labelled = 0;
                float weight = 1f;
                for (int k = 0; k < c; k++)
                {
                    float z = b[k];
                    for (int j = 0; j < example.Features.Length; j++)
                    {
                        z += w[example.Features[j] * c + k] * example.Values[j];
                    }
                    gradient[k] = z;
                    if (example.Labels[k])
                    {
                        labelled++;
                        weight = Math.Max(weight, positiveWeight[k]);
                    }
                }
                LocalClassifierModel.SoftmaxWithBenign(gradient);
                for (int k = 0; k < c; k++)
                {
                    float target = example.Labels[k] ? 1f / labelled : 0f;
                    gradient[k] = (gradient[k] - target) * weight * example.Weight;
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

    // Examples of one group share a fold: a phrasing is never on both sides.
    private static int FoldOf(LabelledText example, int folds)
    {
        string key = example.Group ?? example.Text;
        uint h = 2166136261;
        foreach (char ch in key)
        {
            h = (h ^ ch) * 16777619;
        }
        return (int)(h % (uint)Math.Max(1, folds));
    }
}
