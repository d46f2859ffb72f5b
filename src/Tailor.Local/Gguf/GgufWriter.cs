using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Tailor.Local.Gguf;

/// <summary>
/// Builds a GGUF v3 file: metadata in insertion order, then tensor infos, then tensor data, each tensor
/// aligned to <see cref="Alignment"/> (written as <c>general.alignment</c> when it is not the default 32).
/// </summary>
/// <remarks>Not thread-safe. Tensor data is referenced, not copied, until <see cref="Write(Stream)"/>.</remarks>
public sealed class GgufWriter
{
    private readonly List<PendingTensor> _tensors = [];

    public GgufMetadata Metadata { get; } = new();

    /// <summary>Data alignment in bytes; a power of two.</summary>
    public int Alignment { get; init; } = GgufFile.DefaultAlignment;

    public IReadOnlyList<GgufTensorInfo> Tensors => _tensors.Select(t => t.Info).ToList();

    /// <summary>Adds a tensor from floats, stored as <paramref name="type"/> (F32, F16 or BF16); <paramref name="shape"/> is in ggml order (<c>shape[0]</c> contiguous).</summary>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> shape, ReadOnlyMemory<float> data, GgmlType type = GgmlType.F32)
    {
        if (type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16))
        {
            throw new NotSupportedException($"Writing floats as {GgmlTypeTraits.Name(type)} is not supported; quantize with llama.cpp.");
        }

        return Add(name, shape, type, data.Length, new FloatSource(data, type));
    }

    /// <summary>Adds a tensor whose bytes are already encoded as <paramref name="type"/> (e.g. copied from another file).</summary>
    public GgufWriter AddTensorBytes(string name, IReadOnlyList<long> shape, GgmlType type, ReadOnlyMemory<byte> data)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (GgmlTypeTraits.ByteSize(type, count) != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}' needs {GgmlTypeTraits.ByteSize(type, count)} bytes of {GgmlTypeTraits.Name(type)}; got {data.Length}.", nameof(data));
        }

        return Add(name, shape, type, count, new ByteSource(data));
    }

    /// <summary>Writes the file to <paramref name="path"/> through a temporary file, so a crash never leaves half a model.</summary>
    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Write(stream);
            // On disk before the rename, so a power cut leaves the old file or the whole new one.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
    }

    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (Alignment <= 0 || (Alignment & (Alignment - 1)) != 0)
        {
            throw new InvalidOperationException($"Alignment {Alignment} is not a power of two.");
        }

        if (Alignment != GgufFile.DefaultAlignment)
        {
            Metadata.Set(GgufKeys.Alignment, GgufValue.UInt32((uint)Alignment));
        }

        var output = new CountingWriter(stream);
        output.UInt32(GgufFile.Magic);
        output.UInt32(3);
        output.UInt64((ulong)_tensors.Count);
        output.UInt64((ulong)Metadata.Count);
        foreach (var (key, value) in Metadata)
        {
            output.String(key);
            output.UInt32((uint)value.Type);
            WriteValue(output, value);
        }

        foreach (var tensor in _tensors)
        {
            output.String(tensor.Info.Name);
            output.UInt32((uint)tensor.Info.Shape.Count);
            foreach (var dim in tensor.Info.Shape)
            {
                output.UInt64((ulong)dim);
            }

            output.UInt32((uint)tensor.Info.Type);
            output.UInt64((ulong)tensor.Info.Offset);
        }

        output.PadTo(Alignment);
        var dataStart = output.Position;
        foreach (var tensor in _tensors)
        {
            output.PadTo(Alignment, dataStart + tensor.Info.Offset);
            tensor.Source.WriteTo(output);
        }

        output.PadTo(Alignment);
        stream.Flush();
    }

    private GgufWriter Add(string name, IReadOnlyList<long> shape, GgmlType type, long elementCount, ISource source)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (shape.Count is < 1 or > 4 || shape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Tensor '{name}' must have 1 to 4 positive dimensions.", nameof(shape));
        }

        if (shape.Aggregate(1L, (a, b) => a * b) != elementCount)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", shape)}] but {elementCount} elements.", nameof(shape));
        }

        if (_tensors.Any(t => t.Info.Name == name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }

        var offset = 0L;
        if (_tensors.Count > 0)
        {
            var last = _tensors[^1].Info;
            offset = GgufFile.AlignUp(last.Offset + last.ByteSize, Alignment);
        }

        _tensors.Add(new PendingTensor(new GgufTensorInfo(name, shape.ToArray(), type, offset), source));
        return this;
    }

    private static void WriteValue(CountingWriter output, GgufValue value)
    {
        switch (value.Value)
        {
            case string s: output.String(s); break;
            case bool b: output.Byte(b ? (byte)1 : (byte)0); break;
            case byte v: output.Byte(v); break;
            case sbyte v: output.Byte((byte)v); break;
            case ushort v: output.Span(stackalloc byte[2], s => BinaryPrimitives.WriteUInt16LittleEndian(s, v)); break;
            case short v: output.Span(stackalloc byte[2], s => BinaryPrimitives.WriteInt16LittleEndian(s, v)); break;
            case uint v: output.UInt32(v); break;
            case int v: output.UInt32((uint)v); break;
            case ulong v: output.UInt64(v); break;
            case long v: output.UInt64((ulong)v); break;
            case float v: output.Span(stackalloc byte[4], s => BinaryPrimitives.WriteSingleLittleEndian(s, v)); break;
            case double v: output.Span(stackalloc byte[8], s => BinaryPrimitives.WriteDoubleLittleEndian(s, v)); break;
            case string[] strings:
                output.UInt32((uint)GgufValueType.String);
                output.UInt64((ulong)strings.Length);
                foreach (var s in strings)
                {
                    output.String(s);
                }

                break;
            case bool[] flags:
                output.UInt32((uint)GgufValueType.Bool);
                output.UInt64((ulong)flags.Length);
                foreach (var f in flags)
                {
                    output.Byte(f ? (byte)1 : (byte)0);
                }

                break;
            case Array array:
                output.UInt32((uint)value.ElementType!.Value);
                output.UInt64((ulong)array.Length);
                // Packed little-endian scalars: the array's own memory on little-endian machines.
                var size = Buffer.ByteLength(array);
                output.Bytes(MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(array), size));
                break;
            default:
                throw new NotSupportedException($"Cannot write a GGUF value of {value.Value.GetType().Name}.");
        }
    }

    private sealed record PendingTensor(GgufTensorInfo Info, ISource Source);

    private interface ISource
    {
        void WriteTo(CountingWriter output);
    }

    private sealed class ByteSource(ReadOnlyMemory<byte> data) : ISource
    {
        public void WriteTo(CountingWriter output) => output.Bytes(data.Span);
    }

    private sealed class FloatSource(ReadOnlyMemory<float> data, GgmlType type) : ISource
    {
        public void WriteTo(CountingWriter output)
        {
            if (type == GgmlType.F32)
            {
                output.Bytes(MemoryMarshal.AsBytes(data.Span));
                return;
            }

            // Convert in chunks so a large tensor never needs a second full-size buffer.
            Span<ushort> chunk = new ushort[4096];
            var source = data.Span;
            for (var start = 0; start < source.Length; start += chunk.Length)
            {
                var n = Math.Min(chunk.Length, source.Length - start);
                for (var i = 0; i < n; i++)
                {
                    chunk[i] = type == GgmlType.F16
                        ? BitConverter.HalfToUInt16Bits((Half)source[start + i])
                        : BFloat16.FromSingle(source[start + i]);
                }

                output.Bytes(MemoryMarshal.AsBytes(chunk[..n]));
            }
        }
    }

    private sealed class CountingWriter(Stream stream)
    {
        private static readonly byte[] s_zeros = new byte[256];

        public long Position { get; private set; }

        public void Byte(byte value)
        {
            stream.WriteByte(value);
            Position++;
        }

        public void UInt32(uint value) => Span(stackalloc byte[4], s => BinaryPrimitives.WriteUInt32LittleEndian(s, value));

        public void UInt64(ulong value) => Span(stackalloc byte[8], s => BinaryPrimitives.WriteUInt64LittleEndian(s, value));

        public void String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            UInt64((ulong)bytes.Length);
            Bytes(bytes);
        }

        public void Span(Span<byte> buffer, SpanAction fill)
        {
            fill(buffer);
            Bytes(buffer);
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            Position += bytes.Length;
        }

        public void PadTo(int alignment, long? target = null)
        {
            var end = target ?? GgufFile.AlignUp(Position, alignment);
            while (Position < end)
            {
                Bytes(s_zeros.AsSpan(0, (int)Math.Min(s_zeros.Length, end - Position)));
            }
        }

        public delegate void SpanAction(Span<byte> span);
    }
}
