using Tailor.Local.Gguf;

namespace Tailor.Local.Models;

/// <summary>
/// The weights of a llama model by GGUF tensor name, with its <see cref="LlamaConfig"/>: what the model factory
/// creates, what a trainer reads and fills, and what <see cref="LlamaModelFile"/> writes.
/// </summary>
/// <remarks>Not thread-safe for mutation of the tensor data; read-only use from many threads is safe.</remarks>
public sealed class LlamaModelWeights
{
    private readonly Dictionary<string, WeightTensor> _tensors;

    /// <summary>Wraps tensors; every tensor of <paramref name="config"/> must be present with its shape.</summary>
    public LlamaModelWeights(LlamaConfig config, IEnumerable<WeightTensor> tensors)
    {
        Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        _tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, shape) in config.TensorShapes())
        {
            if (!_tensors.TryGetValue(name, out var tensor))
            {
                throw new ArgumentException($"Tensor '{name}' is missing.", nameof(tensors));
            }

            if (!tensor.Shape.SequenceEqual(shape))
            {
                throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}]; the config needs [{string.Join(", ", shape)}].", nameof(tensors));
            }
        }
    }

    public LlamaConfig Config { get; }

    /// <summary>Tensors in file order.</summary>
    public IEnumerable<WeightTensor> Tensors => Config.TensorShapes().Select(t => _tensors[t.Name]);

    public WeightTensor this[string name] => _tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"No tensor '{name}'.");

    public long ParameterCount => Tensors.Sum(t => t.Data.LongLength);

    /// <summary>
    /// GPT-2-style initialisation from <paramref name="seed"/>: matrices ~ N(0, <paramref name="std"/>), the residual
    /// projections (attn_output, ffn_down) ~ N(0, std / sqrt(2 * n_layer)) so the residual stream's variance does
    /// not grow with depth, and norm gains at 1. The same seed gives the same weights on every machine.
    /// </summary>
    public static LlamaModelWeights CreateRandom(LlamaConfig config, int seed, float std = 0.02f)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var random = new Random(seed);
        var residualStd = std / MathF.Sqrt(2f * config.LayerCount);
        var tensors = new List<WeightTensor>();
        foreach (var (name, shape) in config.TensorShapes())
        {
            var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
            if (LlamaTensorNames.IsNorm(name))
            {
                Array.Fill(data, 1f);
            }
            else
            {
                var sigma = LlamaTensorNames.IsResidualProjection(name) ? residualStd : std;
                FillNormal(random, data, sigma);
            }

            tensors.Add(new WeightTensor(name, shape, data));
        }

        return new LlamaModelWeights(config, tensors);
    }

    /// <summary>All matrices zero and norm gains 1: a starting point for hand-built models whose output is known.</summary>
    public static LlamaModelWeights CreateZero(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return new LlamaModelWeights(config, config.TensorShapes().Select(t =>
        {
            var data = new float[t.Shape.Aggregate(1L, (a, b) => a * b)];
            if (LlamaTensorNames.IsNorm(t.Name))
            {
                Array.Fill(data, 1f);
            }

            return new WeightTensor(t.Name, t.Shape, data);
        }));
    }

    /// <summary>Reads the weights of a llama GGUF stored as F32, F16 or BF16 (a trainer's starting point).</summary>
    public static LlamaModelWeights Load(string path)
    {
        using var file = GgufFile.Open(path);
        var config = LlamaConfig.FromGguf(file.Metadata);
        var tensors = new List<WeightTensor>();
        foreach (var (name, shape) in config.TensorShapes())
        {
            var info = file.FindTensor(name);
            if (info is null && name == LlamaTensorNames.Output)
            {
                // Tied embeddings: llama.cpp reuses token_embd when output.weight is absent.
                info = file.FindTensor(LlamaTensorNames.TokenEmbedding);
            }

            if (info is null)
            {
                throw new GgufFormatException($"{path} lacks tensor '{name}'.");
            }

            tensors.Add(new WeightTensor(name, shape, file.ReadTensorAsSingle(info)));
        }

        return new LlamaModelWeights(config, tensors);
    }

    /// <summary>Box-Muller normal samples; deterministic for a given <see cref="Random"/> state.</summary>
    private static void FillNormal(Random random, float[] data, float sigma)
    {
        for (var i = 0; i < data.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(radius * Math.Cos(2 * Math.PI * u2) * sigma);
            if (i + 1 < data.Length)
            {
                data[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2) * sigma);
            }
        }
    }
}
