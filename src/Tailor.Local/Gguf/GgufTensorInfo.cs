namespace Tailor.Local.Gguf;

/// <summary>A tensor as a GGUF file describes it.</summary>
/// <param name="Name">Tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Shape">Dimensions in ggml order: <c>Shape[0]</c> is the contiguous (innermost) one.</param>
/// <param name="Type">Element type.</param>
/// <param name="Offset">Byte offset of the data from the start of the file's data section.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Shape, GgmlType Type, long Offset)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes the data takes (whole blocks of <see cref="Type"/>).</summary>
    public long ByteSize => GgmlTypeTraits.ByteSize(Type, ElementCount);

    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] {GgmlTypeTraits.Name(Type)}";
}
