using System.Buffers;

namespace Tailor.Spec.Loading;

/// <summary>
/// Builds the field paths diagnostics name: <c>policies[1].categories[0]</c>,
/// <c>models.baseline.base_url</c>; a key that is not a plain word is quoted (<c>models["my model"]</c>).
/// </summary>
internal static class FieldPath
{
    private static readonly SearchValues<char> PlainKeyChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    public static string Key(string parent, string key)
    {
        bool plain = key.Length > 0 && !key.AsSpan().ContainsAnyExcept(PlainKeyChars);
        if (!plain)
        {
            return $"{parent}[\"{key.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]";
        }

        return parent.Length == 0 ? key : $"{parent}.{key}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";
}
