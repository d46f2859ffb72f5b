using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Tailor.Local.Gguf;

/// <summary>
/// GGUF key/value metadata in file order (keys are unique; setting an existing key keeps its place).
/// Not thread-safe for writing; safe to read from many threads once built.
/// </summary>
public sealed class GgufMetadata : IReadOnlyList<KeyValuePair<string, GgufValue>>
{
    private readonly List<KeyValuePair<string, GgufValue>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public KeyValuePair<string, GgufValue> this[int index] => _entries[index];

    /// <summary>The value of <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> naming the key when absent.</summary>
    public GgufValue this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"GGUF metadata has no key '{key}'.");
        set => Set(key, value);
    }

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out GgufValue value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            value = _entries[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Adds or replaces <paramref name="key"/>.</summary>
    public GgufMetadata Set(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_index.TryGetValue(key, out var i))
        {
            _entries[i] = new(key, value);
        }
        else
        {
            _index[key] = _entries.Count;
            _entries.Add(new(key, value));
        }

        return this;
    }

    public bool Remove(string key)
    {
        if (!_index.Remove(key, out var i))
        {
            return false;
        }

        _entries.RemoveAt(i);
        for (var j = i; j < _entries.Count; j++)
        {
            _index[_entries[j].Key] = j;
        }

        return true;
    }

    public string? GetString(string key) => TryGetValue(key, out var v) && v.Type == GgufValueType.String ? v.AsString() : null;

    public long? GetInt64(string key) => TryGetValue(key, out var v) && v.Type is not (GgufValueType.String or GgufValueType.Array or GgufValueType.Float32 or GgufValueType.Float64) ? v.ToInt64() : null;

    public double? GetDouble(string key) => TryGetValue(key, out var v) && v.Type is not (GgufValueType.String or GgufValueType.Array or GgufValueType.Bool) ? v.ToDouble() : null;

    public bool? GetBool(string key) => TryGetValue(key, out var v) && v.Type == GgufValueType.Bool ? v.AsBool() : null;

    public IEnumerator<KeyValuePair<string, GgufValue>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
