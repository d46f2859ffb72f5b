using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Tailor.Moderation.Local;

/// <summary>
/// A trained local moderation classifier: a linear model over hashed word, word-pair and character n-gram features
/// (<see cref="LocalFeatures"/>) with a softmax over "benign" and the canonical categories, so categories compete with
/// each other and with benign, and a text the model knows nothing about keeps the benign prior (every category low).
/// A feature counts once per window however often it occurs, so repeating words (a small model stuck in a loop) adds
/// nothing. Each category has a threshold calibrated for precision. Long texts are scored in overlapping windows of
/// <see cref="Window"/> words and each category takes its highest window, so one bad sentence in a long benign text is
/// not averaged away.
/// </summary>
/// <remarks>
/// Immutable after loading and thread-safe. <see cref="Predict(ReadOnlySpan{char}, Span{float})"/> allocates nothing but pooled buffers and costs a few
/// microseconds per hundred characters. Files are zlib-compressed binary (<c>.tmod</c>); <see cref="Default"/> is the
/// model shipped with Tailor (trained on <c>data/moderation</c>, see <c>docs/moderation.md</c>).
/// </remarks>
public sealed class LocalClassifierModel
{
    private const uint Magic = 0x444F4D54; // "TMOD"
    // 1: one sigmoid per category. 2: softmax over benign and the categories; the feature set (LocalFeatures) is in the header.
    private const int FormatVersion = 2;
    private const string ResourceName = "Tailor.Moderation.Model.default.tmod";

    private static readonly Lazy<LocalClassifierModel> s_default = new(LoadDefault);

    private readonly int[] _index;
    private readonly float[] _rows;
    private readonly float[] _bias;
    private readonly int _stride;
    private readonly int _mask;

    internal LocalClassifierModel(
        IReadOnlyList<string> categories, IReadOnlyList<double> thresholds, ReadOnlySpan<float> bias,
        int bucketBits, IReadOnlyList<int> buckets, ReadOnlySpan<float> weights, LocalClassifierInfo info, LocalFeatures features, int window)
    {
        ArgumentNullException.ThrowIfNull(features);
        features.Validate();
        if (window < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "at least 2 words");
        }
        if (categories.Count == 0 || thresholds.Count != categories.Count || bias.Length != categories.Count)
        {
            throw new ArgumentException("Categories, thresholds and biases must have one entry per category.");
        }
        if (bucketBits is < 8 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(bucketBits), bucketBits, "between 8 and 24");
        }
        if (weights.Length != buckets.Count * categories.Count)
        {
            throw new ArgumentException("There must be one weight per feature and category.", nameof(weights));
        }

        Categories = [.. categories.Select(ModerationCategories.Canonical)];
        Thresholds = [.. thresholds];
        BucketBits = bucketBits;
        Window = window;
        Features = features;
        Info = info;
        _mask = (1 << bucketBits) - 1;
        _stride = (categories.Count + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        _bias = new float[_stride];
        bias.CopyTo(_bias);
        _index = new int[1 << bucketBits];
        Array.Fill(_index, -1);
        _rows = new float[buckets.Count * _stride];
        for (int r = 0; r < buckets.Count; r++)
        {
            _index[buckets[r]] = r;
            weights.Slice(r * categories.Count, categories.Count).CopyTo(_rows.AsSpan(r * _stride));
        }
        Buckets = [.. buckets];
    }

    /// <summary>The model shipped with Tailor.</summary>
    /// <exception cref="InvalidOperationException">This build of Tailor carries no default model.</exception>
    public static LocalClassifierModel Default => s_default.Value;

    /// <summary>The categories it scores, in output order.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The calibrated threshold of each category (same order as <see cref="Categories"/>).</summary>
    public IReadOnlyList<double> Thresholds { get; }

    public int BucketBits { get; }

    /// <summary>Words per scoring window (about one sentence, like the training examples); windows overlap by half.</summary>
    public int Window { get; }

    /// <summary>The features it computes (those it was trained with).</summary>
    public LocalFeatures Features { get; }

    public LocalClassifierInfo Info { get; }

    internal IReadOnlyList<int> Buckets { get; }

    /// <summary>Writes the probability of each category (order of <see cref="Categories"/>) for <paramref name="text"/>.</summary>
    public void Predict(ReadOnlySpan<char> text, Span<float> probabilities)
    {
        if (probabilities.Length < Categories.Count)
        {
            throw new ArgumentException("One slot per category is needed.", nameof(probabilities));
        }

        int maxWords = text.Length / 2 + 2;
        int maxFeatures = FeatureHasher.MaxFeatures(text.Length, Features);
        int[] features = ArrayPool<int>.Shared.Rent(maxFeatures);
        // The per-window set: at least twice a window's features, a power of two.
        int[] window = ArrayPool<int>.Shared.Rent((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, maxFeatures * 2)));
        int[] offsets = ArrayPool<int>.Shared.Rent(maxWords + 1);
        try
        {
            offsets[0] = 0;
            var sink = new WordSink(features, offsets);
            FeatureHasher.ForEachWord(text, Features, _mask, ref sink);
            Score(features, offsets, sink.Words, window, probabilities);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(features);
            ArrayPool<int>.Shared.Return(window);
            ArrayPool<int>.Shared.Return(offsets);
        }
    }

    /// <summary>The probabilities for <paramref name="text"/> as a new array.</summary>
    public float[] Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var probabilities = new float[Categories.Count];
        Predict(text, probabilities);
        return probabilities;
    }

    // Per window: the distinct features of its words (a feature counts once however often it occurs, so a word
    // repeated in a loop weighs what it weighs once), logits z (benign's is 0), probabilities softmax(z); each category
    // keeps its highest window. Distinct features are found with a small open-addressing set over the window's buckets.
    private void Score(int[] features, int[] offsets, int words, int[] scratch, Span<float> probabilities)
    {
        int c = Categories.Count;
        Span<float> best = stackalloc float[c];
        Span<float> z = stackalloc float[c];
        Span<float> sum = stackalloc float[_stride];
        var sumVectors = MemoryMarshal.Cast<float, Vector<float>>(sum);
        best.Clear();
        int step = Math.Max(1, Window / 2);
        for (int start = 0; ; start += step)
        {
            int end = Math.Min(start + Window, words);
            var buckets = features.AsSpan(offsets[start], offsets[end] - offsets[start]);
            int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, buckets.Length * 2));
            int shift = 32 - BitOperations.Log2((uint)capacity);
            var set = scratch.AsSpan(0, capacity);
            set.Fill(-1);
            sum.Clear();
            int distinct = 0;
            foreach (int bucket in buckets)
            {
                int slot = (int)(((uint)bucket * 0x9E3779B1u) >> shift);
                while (set[slot] != -1 && set[slot] != bucket)
                {
                    slot = (slot + 1) & (capacity - 1);
                }
                if (set[slot] == bucket)
                {
                    continue;
                }
                set[slot] = bucket;
                distinct++;
                int row = _index[bucket];
                if (row < 0)
                {
                    continue;
                }
                var weights = MemoryMarshal.Cast<float, Vector<float>>(_rows.AsSpan(row * _stride, _stride));
                for (int v = 0; v < sumVectors.Length; v++)
                {
                    sumVectors[v] += weights[v];
                }
            }
            float scale = 1f / MathF.Sqrt(Math.Max(distinct, Features.LengthFloor));
            for (int k = 0; k < c; k++)
            {
                z[k] = _bias[k] + sum[k] * scale;
            }
            SoftmaxWithBenign(z);
            for (int k = 0; k < c; k++)
            {
                best[k] = Math.Max(best[k], z[k]);
            }
            if (end >= words)
            {
                break;
            }
        }
        best.CopyTo(probabilities);
    }

    /// <summary>
    /// Turns the categories' logits into their probabilities, in place, under a softmax over them and "benign", whose
    /// logit is 0 (training and scoring share it, so both compute the same numbers).
    /// </summary>
    internal static void SoftmaxWithBenign(Span<float> logits)
    {
        float max = 0f;
        foreach (float z in logits)
        {
            max = Math.Max(max, z);
        }
        float total = MathF.Exp(-max);
        for (int k = 0; k < logits.Length; k++)
        {
            logits[k] = MathF.Exp(logits[k] - max);
            total += logits[k];
        }
        for (int k = 0; k < logits.Length; k++)
        {
            logits[k] /= total;
        }
    }

    // Appends each word's feature buckets to one array; offsets[w] is where word w's start (offsets[words] the end).
    private struct WordSink(int[] features, int[] offsets) : IWordSink
    {
        public int Words;

        public void OnWord(ReadOnlySpan<int> buckets)
        {
            int at = offsets[Words];
            if (Words + 2 > offsets.Length || at + buckets.Length > features.Length)
            {
                return; // the bounds make this impossible; stay safe anyway
            }
            buckets.CopyTo(features.AsSpan(at));
            offsets[Words + 1] = at + buckets.Length;
            Words++;
        }
    }

    /// <summary>Saves the model (zlib-compressed; weights stored as 16-bit floats).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zlib = new ZLibStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var writer = new BinaryWriter(zlib, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        byte[] header = Header();
        writer.Write(header.Length);
        writer.Write(header);
        writer.Write(Buckets.Count);
        int previous = 0;
        for (int r = 0; r < Buckets.Count; r++)
        {
            // Rows are sorted by bucket, so deltas are small and compress well.
            writer.Write7BitEncodedInt(Buckets[r] - previous);
            previous = Buckets[r];
        }
        for (int r = 0; r < Buckets.Count; r++)
        {
            for (int k = 0; k < Categories.Count; k++)
            {
                writer.Write(BitConverter.HalfToUInt16Bits((Half)_rows[r * _stride + k]));
            }
        }
    }

    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        Save(file);
    }

    /// <summary>Loads a model saved by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a Tailor classifier model, or a newer format.</exception>
    public static LocalClassifierModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var zlib = new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true);
            using var reader = new BinaryReader(zlib, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadUInt32() != Magic)
            {
                throw Format("not a Tailor moderation classifier (.tmod) file");
            }
            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw Format(version < FormatVersion
                    ? $"classifier format version {version} is older than this Tailor reads (version {FormatVersion}); train the model again with 'tailor moderation train'"
                    : $"classifier format version {version} is newer than this Tailor reads (version {FormatVersion}); update Tailor");
            }
            var header = ReadHeader(reader.ReadBytes(reader.ReadInt32()));
            int rows = reader.ReadInt32();
            var buckets = new int[rows];
            int bucket = 0;
            for (int r = 0; r < rows; r++)
            {
                bucket += reader.Read7BitEncodedInt();
                buckets[r] = bucket;
            }
            int c = header.Categories.Length;
            var weights = new float[rows * c];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)BitConverter.UInt16BitsToHalf(reader.ReadUInt16());
            }
            return new LocalClassifierModel(header.Categories, header.Thresholds, header.Bias, header.BucketBits, buckets, weights, header.Info, header.Features, header.Window);
        }
        catch (Exception ex) when (ex is EndOfStreamException or JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException
            || (ex is InvalidDataException && !ex.Data.Contains(FormatMarker)))
        {
            throw new InvalidDataException($"the classifier file is damaged or not a .tmod file: {ex.Message}", ex);
        }
    }

    public static LocalClassifierModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return Load(file);
    }

    private const string FormatMarker = "tailor.tmod";

    private static InvalidDataException Format(string message)
    {
        var error = new InvalidDataException(message);
        error.Data[FormatMarker] = true;
        return error;
    }

    private static LocalClassifierModel LoadDefault()
    {
        using var stream = typeof(LocalClassifierModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("this build of Tailor carries no default moderation classifier; train one with 'tailor moderation train' and give its path");
        return Load(stream);
    }

    private byte[] Header()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteNumber("bucket_bits", BucketBits);
            json.WriteNumber("window", Window);
            json.WriteStartObject("features");
            json.WriteNumber("char_gram_min", Features.CharGramMin);
            json.WriteNumber("char_gram_max", Features.CharGramMax);
            json.WriteBoolean("word_pairs", Features.WordPairs);
            json.WriteNumber("length_floor", Features.LengthFloor);
            json.WriteEndObject();
            json.WriteStartArray("categories");
            foreach (var category in Categories)
            {
                json.WriteStringValue(category);
            }
            json.WriteEndArray();
            json.WriteStartArray("thresholds");
            foreach (var threshold in Thresholds)
            {
                json.WriteNumberValue(Math.Round(threshold, 4));
            }
            json.WriteEndArray();
            json.WriteStartArray("bias");
            for (int k = 0; k < Categories.Count; k++)
            {
                json.WriteNumberValue(_bias[k]);
            }
            json.WriteEndArray();
            json.WriteStartObject("training");
            json.WriteString("data_sha256", Info.DataSha256);
            json.WriteNumber("examples", Info.Examples);
            json.WriteNumber("epochs", Info.Epochs);
            json.WriteNumber("seed", Info.Seed);
            json.WriteNumber("learning_rate", Info.LearningRate);
            json.WriteNumber("l2", Info.L2);
            json.WriteNumber("features", Info.Features);
            json.WriteNumber("target_precision", Info.TargetPrecision);
            json.WriteString("source", Info.Source);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private sealed record HeaderData(string[] Categories, double[] Thresholds, float[] Bias, int BucketBits, int Window, LocalFeatures Features, LocalClassifierInfo Info);

    private static HeaderData ReadHeader(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var features = root.GetProperty("features");
        var training = root.GetProperty("training");
        return new HeaderData(
            [.. root.GetProperty("categories").EnumerateArray().Select(e => e.GetString()!)],
            [.. root.GetProperty("thresholds").EnumerateArray().Select(e => e.GetDouble())],
            [.. root.GetProperty("bias").EnumerateArray().Select(e => e.GetSingle())],
            root.GetProperty("bucket_bits").GetInt32(),
            root.GetProperty("window").GetInt32(),
            new LocalFeatures
            {
                CharGramMin = features.GetProperty("char_gram_min").GetInt32(),
                CharGramMax = features.GetProperty("char_gram_max").GetInt32(),
                WordPairs = features.GetProperty("word_pairs").GetBoolean(),
                LengthFloor = features.GetProperty("length_floor").GetInt32(),
            },
            new LocalClassifierInfo
            {
                DataSha256 = training.GetProperty("data_sha256").GetString(),
                Examples = training.GetProperty("examples").GetInt32(),
                Epochs = training.GetProperty("epochs").GetInt32(),
                Seed = training.GetProperty("seed").GetInt32(),
                LearningRate = training.GetProperty("learning_rate").GetDouble(),
                L2 = training.GetProperty("l2").GetDouble(),
                Features = training.GetProperty("features").GetInt32(),
                TargetPrecision = training.GetProperty("target_precision").GetDouble(),
                Source = training.GetProperty("source").GetString(),
            });
    }
}
