using System.Globalization;

namespace Tailor.Local.Gguf;

/// <summary>
/// One GGUF metadata value: a scalar, a string, or an array of one scalar type or of strings.
/// Arrays are held as typed .NET arrays (<c>uint[]</c>, <c>string[]</c>, ...). Immutable and thread-safe
/// as long as callers do not mutate an array they passed in or got back from <see cref="AsArray{T}"/>.
/// </summary>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private readonly object _value;

    private GgufValue(GgufValueType type, object value, GgufValueType? elementType = null)
    {
        Type = type;
        _value = value;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    /// <summary>The element type when <see cref="Type"/> is <see cref="GgufValueType.Array"/>.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>The value as its .NET type (<c>byte</c>, <c>float</c>, <c>string</c>, <c>uint[]</c>, ...).</summary>
    public object Value => _value;

    public static GgufValue UInt8(byte value) => new(GgufValueType.UInt8, value);
    public static GgufValue Int8(sbyte value) => new(GgufValueType.Int8, value);
    public static GgufValue UInt16(ushort value) => new(GgufValueType.UInt16, value);
    public static GgufValue Int16(short value) => new(GgufValueType.Int16, value);
    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, value);
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Int64(long value) => new(GgufValueType.Int64, value);
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Float64(double value) => new(GgufValueType.Float64, value);
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue String(string value) => new(GgufValueType.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>An array of scalars; <typeparamref name="T"/> picks the element type (byte -> uint8, float -> float32, ...).</summary>
    public static GgufValue Array<T>(T[] values) => new(GgufValueType.Array, values ?? throw new ArgumentNullException(nameof(values)), ElementTypeOf(typeof(T)));

    /// <summary>An array of strings.</summary>
    public static GgufValue Array(string[] values) => Array<string>(values);

    /// <summary>The string; throws if the value is not a string.</summary>
    public string AsString() => _value as string ?? throw WrongType("string");

    public bool AsBool() => _value is bool b ? b : throw WrongType("bool");

    /// <summary>Any integer scalar, widened; throws for other types or a uint64 above <see cref="long.MaxValue"/>.</summary>
    public long ToInt64() => _value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v => checked((long)v),
        long v => v,
        bool v => v ? 1 : 0,
        _ => throw WrongType("integer"),
    };

    /// <summary>Any numeric scalar as a double.</summary>
    public double ToDouble() => _value switch
    {
        float v => v,
        double v => v,
        _ => ToInt64(),
    };

    /// <summary>The array's elements; <typeparamref name="T"/> must be the stored element type.</summary>
    public T[] AsArray<T>() => _value as T[] ?? throw WrongType($"{typeof(T).Name}[]");

    /// <summary>Number of elements of an array value.</summary>
    public int ArrayLength => _value is System.Array a ? a.Length : throw WrongType("array");

    /// <summary>Integer array elements widened to long, whatever the integer element type.</summary>
    public long[] ToInt64Array() => _value switch
    {
        byte[] a => a.Select(x => (long)x).ToArray(),
        sbyte[] a => a.Select(x => (long)x).ToArray(),
        ushort[] a => a.Select(x => (long)x).ToArray(),
        short[] a => a.Select(x => (long)x).ToArray(),
        uint[] a => a.Select(x => (long)x).ToArray(),
        int[] a => a.Select(x => (long)x).ToArray(),
        ulong[] a => a.Select(x => checked((long)x)).ToArray(),
        long[] a => (long[])a.Clone(),
        _ => throw WrongType("integer array"),
    };

    internal static GgufValueType ElementTypeOf(Type type) => type switch
    {
        _ when type == typeof(byte) => GgufValueType.UInt8,
        _ when type == typeof(sbyte) => GgufValueType.Int8,
        _ when type == typeof(ushort) => GgufValueType.UInt16,
        _ when type == typeof(short) => GgufValueType.Int16,
        _ when type == typeof(uint) => GgufValueType.UInt32,
        _ when type == typeof(int) => GgufValueType.Int32,
        _ when type == typeof(ulong) => GgufValueType.UInt64,
        _ when type == typeof(long) => GgufValueType.Int64,
        _ when type == typeof(float) => GgufValueType.Float32,
        _ when type == typeof(double) => GgufValueType.Float64,
        _ when type == typeof(bool) => GgufValueType.Bool,
        _ when type == typeof(string) => GgufValueType.String,
        _ => throw new NotSupportedException($"GGUF arrays cannot hold {type.Name}; nested arrays are not supported by llama.cpp either."),
    };

    internal static GgufValue FromArray(GgufValueType elementType, System.Array values) => new(GgufValueType.Array, values, elementType);

    private InvalidOperationException WrongType(string wanted) =>
        new($"GGUF value is {Describe()}, not {wanted}.");

    private string Describe() => Type == GgufValueType.Array ? $"an array of {ElementType}" : Type.ToString();

    public bool Equals(GgufValue? other)
    {
        if (other is null || other.Type != Type || other.ElementType != ElementType)
        {
            return false;
        }

        if (_value is System.Array a && other._value is System.Array b)
        {
            return a.Length == b.Length && Enumerable.Range(0, a.Length).All(i => Equals(a.GetValue(i), b.GetValue(i)));
        }

        return Equals(_value, other._value);
    }

    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    public override int GetHashCode() => HashCode.Combine(Type, ElementType, _value is System.Array a ? a.Length : _value.GetHashCode());

    /// <summary>Short, human-readable rendering; long arrays are summarised.</summary>
    public override string ToString()
    {
        if (_value is System.Array array)
        {
            var head = string.Join(", ", array.Cast<object>().Take(8).Select(Format));
            return array.Length > 8 ? $"[{head}, ... {array.Length} items]" : $"[{head}]";
        }

        return Format(_value);

        static string Format(object v) => v switch
        {
            string s => s.Length > 80 ? $"\"{s[..80]}...\"" : $"\"{s}\"",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        };
    }
}
