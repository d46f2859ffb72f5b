namespace Tailor.Local.Models;

/// <summary>
/// One named weight tensor in ggml order: <c>Shape[0]</c> is contiguous, so element (i0, i1) of a matrix is
/// <c>Data[i1 * Shape[0] + i0]</c> and row i1 of a [n_in, n_out] projection holds output i1's weights.
/// </summary>
/// <remarks>The data array is shared, not copied: callers that mutate it own the consequences (a trainer writes into it).</remarks>
public sealed class WeightTensor
{
    public WeightTensor(string name, long[] shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Aggregate(1L, (a, b) => a * b) != data.LongLength)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", shape)}] but {data.Length} values.", nameof(data));
        }

        Name = name;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public IReadOnlyList<long> Shape { get; }

    public float[] Data { get; }

    /// <summary>Row <paramref name="index"/> of a 2-D tensor (<c>Shape[0]</c> values).</summary>
    public Span<float> Row(int index)
    {
        var width = checked((int)Shape[0]);
        return Data.AsSpan(index * width, width);
    }
}
