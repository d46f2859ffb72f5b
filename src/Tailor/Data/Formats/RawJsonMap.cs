using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Tailor.Data.Formats;

/// <summary>
/// Keys of an example kept as the raw JSON the user wrote, in order; each value is parsed into a
/// <see cref="JsonElement"/> only when something reads it, and writers copy the raw bytes. Reading a
/// line therefore costs one copy of its extra keys, not a JSON document per line.
/// </summary>
/// <remarks>Not thread-safe while values are first materialised; treat one instance as owned by one reader at a time.</remarks>
internal sealed class RawJsonMap : IReadOnlyDictionary<string, JsonElement>
{
    private readonly List<(string Key, byte[] Raw)> _entries = [];
    private JsonElement?[]? _parsed;

    public void Set(string key, byte[] raw)
    {
        int index = _entries.FindIndex(e => e.Key == key);
        if (index >= 0)
        {
            _entries[index] = (key, raw);
        }
        else
        {
            _entries.Add((key, raw));
        }
        _parsed = null;
    }

    /// <summary>The raw JSON of each entry, in order, for writers.</summary>
    public IEnumerable<(string Key, byte[] Raw)> RawEntries => _entries;

    public JsonElement this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public IEnumerable<JsonElement> Values => Enumerable.Range(0, _entries.Count).Select(Element);

    public int Count => _entries.Count;

    public bool ContainsKey(string key) => _entries.Exists(e => e.Key == key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value)
    {
        int index = _entries.FindIndex(e => e.Key == key);
        if (index < 0)
        {
            value = default;
            return false;
        }
        value = Element(index);
        return true;
    }

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator()
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            yield return new KeyValuePair<string, JsonElement>(_entries[i].Key, Element(i));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private JsonElement Element(int index)
    {
        _parsed ??= new JsonElement?[_entries.Count];
        if (_parsed[index] is not { } element)
        {
            using var document = JsonDocument.Parse(_entries[index].Raw);
            element = document.RootElement.Clone();
            _parsed[index] = element;
        }
        return element;
    }
}
