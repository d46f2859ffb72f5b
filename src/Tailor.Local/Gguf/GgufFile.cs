using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Tailor.Local.Gguf;

/// <summary>
/// A GGUF file opened for reading: the header, metadata and tensor infos are parsed on open; tensor data is
/// read on demand at its offset, so describing a 4 GB model reads only its first kilobytes (plus its vocabulary).
/// </summary>
/// <remarks>Tensor reads use positional I/O and are safe from several threads at once; dispose once all reads are done.</remarks>
public sealed class GgufFile : IDisposable
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    public const int DefaultAlignment = 32;

    private readonly SafeFileHandle _handle;

    private GgufFile(string path, SafeFileHandle handle, uint version, GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> tensors, int alignment, long dataOffset, long fileSize)
    {
        Path = path;
        _handle = handle;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
        FileSize = fileSize;
    }

    public string Path { get; }

    public uint Version { get; }

    public GgufMetadata Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Alignment of the data section and of each tensor (<c>general.alignment</c>, default 32).</summary>
    public int Alignment { get; }

    /// <summary>Absolute file offset where tensor data starts; a tensor lives at <c>DataOffset + tensor.Offset</c> (for mmap users).</summary>
    public long DataOffset { get; }

    public long FileSize { get; }

    public GgufTensorInfo? FindTensor(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Opens and parses <paramref name="path"/>.</summary>
    /// <exception cref="GgufFormatException">The file is not GGUF v2/v3, is truncated, or is inconsistent.</exception>
    public static GgufFile Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var fileSize = RandomAccess.GetLength(handle);
            // A stream of its own for parsing: disposing it must not close the handle kept for tensor reads.
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var reader = new Reader(stream, fullPath, fileSize);
            if (reader.UInt32() != Magic)
            {
                throw reader.Error("does not start with the GGUF magic");
            }

            var version = reader.UInt32();
            if (version is not (2 or 3))
            {
                throw reader.Error($"is GGUF version {version}; versions 2 and 3 are supported");
            }

            var tensorCount = reader.Count(24);
            var kvCount = reader.Count(9);
            var metadata = new GgufMetadata();
            for (long i = 0; i < kvCount; i++)
            {
                var key = reader.String();
                var type = (GgufValueType)reader.UInt32();
                metadata.Set(key, reader.Value(type, key));
            }

            var alignment = metadata.TryGetValue(GgufKeys.Alignment, out var a) ? (int)a.ToInt64() : DefaultAlignment;
            if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            {
                throw reader.Error($"declares general.alignment = {alignment}, which is not a power of two");
            }

            var tensors = new List<GgufTensorInfo>((int)tensorCount);
            for (long i = 0; i < tensorCount; i++)
            {
                var name = reader.String();
                var dims = reader.UInt32();
                if (dims > 4)
                {
                    throw reader.Error($"gives tensor '{name}' {dims} dimensions (at most 4)");
                }

                var shape = new long[dims];
                for (var d = 0; d < dims; d++)
                {
                    shape[d] = checked((long)reader.UInt64());
                }

                var type = (GgmlType)reader.UInt32();
                var offset = checked((long)reader.UInt64());
                tensors.Add(new GgufTensorInfo(name, shape, type, offset));
            }

            var dataOffset = AlignUp(reader.Position, alignment);
            foreach (var t in tensors)
            {
                if (t.Offset % alignment != 0)
                {
                    throw reader.Error($"places tensor '{t.Name}' at unaligned offset {t.Offset}");
                }

                if (GgmlTypeTraits.IsKnown(t.Type) && dataOffset + t.Offset + t.ByteSize > fileSize)
                {
                    throw reader.Error($"is truncated: tensor '{t.Name}' ends past the end of the file");
                }
            }

            return new GgufFile(fullPath, handle, version, metadata, tensors, alignment, dataOffset, fileSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Copies the raw bytes of <paramref name="tensor"/> into <paramref name="destination"/> (exactly <see cref="GgufTensorInfo.ByteSize"/> long).</summary>
    public void ReadTensorBytes(GgufTensorInfo tensor, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (destination.Length != tensor.ByteSize)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.ByteSize} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        var position = DataOffset + tensor.Offset;
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, destination, position);
            if (read <= 0)
            {
                throw new GgufFormatException($"{Path}: tensor '{tensor.Name}' is truncated at offset {position}.");
            }

            destination = destination[read..];
            position += read;
        }
    }

    /// <summary>Reads an F32, F16 or BF16 tensor as floats (ggml order: <c>Shape[0]</c> varies fastest).</summary>
    public float[] ReadTensorAsSingle(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var result = new float[checked((int)tensor.ElementCount)];
        switch (tensor.Type)
        {
            case GgmlType.F32:
                ReadTensorBytes(tensor, MemoryMarshal.AsBytes(result.AsSpan()));
                if (!BitConverter.IsLittleEndian)
                {
                    throw new PlatformNotSupportedException("GGUF tensors are little-endian.");
                }

                break;
            case GgmlType.F16:
            {
                var halves = new Half[result.Length];
                ReadTensorBytes(tensor, MemoryMarshal.AsBytes(halves.AsSpan()));
                for (var i = 0; i < halves.Length; i++)
                {
                    result[i] = (float)halves[i];
                }

                break;
            }

            case GgmlType.BF16:
            {
                var raw = new ushort[result.Length];
                ReadTensorBytes(tensor, MemoryMarshal.AsBytes(raw.AsSpan()));
                for (var i = 0; i < raw.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(raw[i] << 16);
                }

                break;
            }

            default:
                throw new NotSupportedException($"Tensor '{tensor.Name}' is {GgmlTypeTraits.Name(tensor.Type)}; only f32, f16 and bf16 can be read as floats.");
        }

        return result;
    }

    public void Dispose() => _handle.Dispose();

    internal static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>Little-endian reader that tracks its position and checks lengths against the file size.</summary>
    private sealed class Reader(Stream stream, string path, long fileSize)
    {
        private readonly byte[] _scratch = new byte[8];

        public long Position { get; private set; }

        public GgufFormatException Error(string what) => new($"{path} {what} (at byte {Position}).");

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

        /// <summary>A count of items that each take at least <paramref name="minBytesEach"/> bytes; rejects counts the file cannot hold.</summary>
        public long Count(int minBytesEach)
        {
            var count = UInt64();
            if (count > (ulong)Math.Max(0, fileSize - Position) / (ulong)Math.Max(1, minBytesEach))
            {
                throw Error($"declares {count} items, more than the file can hold");
            }

            return (long)count;
        }

        public string String()
        {
            var length = Count(1);
            if (length == 0)
            {
                return "";
            }

            var buffer = length <= 256 ? stackalloc byte[(int)length] : new byte[length];
            Fill(buffer);
            return Encoding.UTF8.GetString(buffer);
        }

        public GgufValue Value(GgufValueType type, string key) => type switch
        {
            GgufValueType.UInt8 => GgufValue.UInt8(Bytes(1)[0]),
            GgufValueType.Int8 => GgufValue.Int8((sbyte)Bytes(1)[0]),
            GgufValueType.UInt16 => GgufValue.UInt16(BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))),
            GgufValueType.Int16 => GgufValue.Int16(BinaryPrimitives.ReadInt16LittleEndian(Bytes(2))),
            GgufValueType.UInt32 => GgufValue.UInt32(UInt32()),
            GgufValueType.Int32 => GgufValue.Int32(BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))),
            GgufValueType.UInt64 => GgufValue.UInt64(UInt64()),
            GgufValueType.Int64 => GgufValue.Int64(BinaryPrimitives.ReadInt64LittleEndian(Bytes(8))),
            GgufValueType.Float32 => GgufValue.Float32(BinaryPrimitives.ReadSingleLittleEndian(Bytes(4))),
            GgufValueType.Float64 => GgufValue.Float64(BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8))),
            GgufValueType.Bool => GgufValue.Bool(Bytes(1)[0] != 0),
            GgufValueType.String => GgufValue.String(String()),
            GgufValueType.Array => Array(key),
            _ => throw Error($"gives key '{key}' unknown value type {(uint)type}"),
        };

        private GgufValue Array(string key)
        {
            var elementType = (GgufValueType)UInt32();
            var size = ScalarSize(elementType);
            var count = Count(size ?? 8);
            System.Array values = elementType switch
            {
                GgufValueType.String => Strings(count),
                GgufValueType.Array => throw Error($"gives key '{key}' an array of arrays, which llama.cpp does not support either"),
                _ => Scalars(elementType, (int)count, key),
            };
            return GgufValue.FromArray(elementType, values);
        }

        private string[] Strings(long count)
        {
            var values = new string[count];
            for (long i = 0; i < count; i++)
            {
                values[i] = String();
            }

            return values;
        }

        private System.Array Scalars(GgufValueType type, int count, string key)
        {
            System.Array values = type switch
            {
                GgufValueType.UInt8 => new byte[count],
                GgufValueType.Int8 => new sbyte[count],
                GgufValueType.UInt16 => new ushort[count],
                GgufValueType.Int16 => new short[count],
                GgufValueType.UInt32 => new uint[count],
                GgufValueType.Int32 => new int[count],
                GgufValueType.UInt64 => new ulong[count],
                GgufValueType.Int64 => new long[count],
                GgufValueType.Float32 => new float[count],
                GgufValueType.Float64 => new double[count],
                GgufValueType.Bool => new bool[count],
                _ => throw Error($"gives key '{key}' an array of unknown type {(uint)type}"),
            };

            // Scalars are stored little-endian and packed, exactly like the .NET array's memory on little-endian machines.
            var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(values), count * ScalarSize(type)!.Value);
            Fill(bytes);
            if (values is bool[] flags)
            {
                // A bool byte other than 0/1 is not a valid .NET bool; normalise it.
                for (var i = 0; i < flags.Length; i++)
                {
                    flags[i] = bytes[i] != 0;
                }
            }

            return values;
        }

        private static int? ScalarSize(GgufValueType type) => type switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
            _ => null,
        };

        private ReadOnlySpan<byte> Bytes(int count)
        {
            Fill(_scratch.AsSpan(0, count));
            return _scratch.AsSpan(0, count);
        }

        private void Fill(Span<byte> buffer)
        {
            var start = Position;
            try
            {
                stream.ReadExactly(buffer);
            }
            catch (EndOfStreamException ex)
            {
                throw new GgufFormatException($"{path} is truncated (needed {buffer.Length} bytes at byte {start}).", ex);
            }

            Position += buffer.Length;
        }
    }
}
