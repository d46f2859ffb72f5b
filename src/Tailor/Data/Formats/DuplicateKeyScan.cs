using System.Text.Json;

namespace Tailor.Data.Formats;

/// <summary>
/// Finds a key written twice in any object of a JSON value (System.Text.Json's document accepts
/// duplicates silently and parsers disagree on which wins). Used on the parts of a line the parser
/// does not walk key by key: metadata, unknown keys, tool definitions.
/// </summary>
internal static class DuplicateKeyScan
{
    /// <summary>The path of the first duplicate key (<c>metadata.source.id</c>), or null. <paramref name="json"/> is valid JSON.</summary>
    public static string? Find(ReadOnlySpan<byte> json, string root)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var keys = new Stack<HashSet<string>>();
        var path = new Stack<string>();
        string? pending = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    keys.Push(new HashSet<string>(StringComparer.Ordinal));
                    path.Push(pending ?? "");
                    pending = null;
                    break;
                case JsonTokenType.StartArray:
                    path.Push(pending ?? "");
                    keys.Push([]);
                    pending = null;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    keys.Pop();
                    path.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    string key = reader.GetString()!;
                    if (!keys.Peek().Add(key))
                    {
                        return string.Join(".", new[] { root }.Concat(path.Reverse().Where(p => p.Length > 0)).Append(key));
                    }
                    pending = key;
                    break;
                default:
                    pending = null;
                    break;
            }
        }
        return null;
    }
}
