namespace Tailor.Moderation.Normalization;

/// <summary>
/// Folds text to a plain lower-case form so that detectors and the local classifier see through cheap disguises:
/// upper case, accents, full-width letters, look-alike Cyrillic and Greek letters, zero-width characters, typographic
/// quotes and, optionally, leetspeak (<c>1gn0r3</c> → <c>ignore</c>).
/// </summary>
/// <remarks>Stateless and thread-safe; allocation-free when the caller supplies the buffers.</remarks>
public static class TextFolding
{
    private const char Drop = '\0';
    private static readonly char[] Table = BuildTable();

    /// <summary>
    /// Writes the folded form of <paramref name="source"/> into <paramref name="destination"/> (at least as long) and
    /// returns its length. When <paramref name="origins"/> is not empty (at least as long as the source), it receives,
    /// for each folded character, the index of the source character it came from.
    /// </summary>
    public static int Fold(ReadOnlySpan<char> source, Span<char> destination, Span<int> origins = default, bool leetspeak = false)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination must be at least as long as the source.", nameof(destination));
        }

        bool track = !origins.IsEmpty;
        int n = 0;
        for (int i = 0; i < source.Length; i++)
        {
            char c = Table[source[i]];
            if (c == Drop)
            {
                continue;
            }
            destination[n] = c;
            if (track)
            {
                origins[n] = i;
            }
            n++;
        }

        if (leetspeak)
        {
            FoldLeetspeak(destination[..n]);
        }
        return n;
    }

    /// <summary>The folded form of <paramref name="text"/> as a new string.</summary>
    public static string Fold(string text, bool leetspeak = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[] buffer = new char[text.Length];
        int n = Fold(text, buffer, default, leetspeak);
        return new string(buffer, 0, n);
    }

    /// <summary>Whether <paramref name="c"/> is part of a word after folding (a letter or a digit).</summary>
    public static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || (c > 0x7f && char.IsLetterOrDigit(c));

    // In a word that mixes letters with digits or symbols standing for letters, the symbols become those letters.
    // A word needs at least two real letters, so "b2b", "4x4" and "covid19" stay as they are.
    private static void FoldLeetspeak(Span<char> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (!IsLeetWordChar(text[i]))
            {
                i++;
                continue;
            }
            int start = i;
            int letters = 0;
            int leet = 0;
            while (i < text.Length && IsLeetWordChar(text[i]))
            {
                if (char.IsAsciiLetter(text[i]))
                {
                    letters++;
                }
                else if (LeetLetter(text[i]) != Drop)
                {
                    leet++;
                }
                i++;
            }
            if (letters >= 2 && leet > 0 && leet <= letters + 1)
            {
                for (int j = start; j < i; j++)
                {
                    if (LeetLetter(text[j]) is var letter and not Drop)
                    {
                        text[j] = letter;
                    }
                }
            }
        }
    }

    private static bool IsLeetWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '@' or '$' or '!' or '|';

    private static char LeetLetter(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '!' => 'i',
        '|' => 'l',
        '3' => 'e',
        '4' => 'a',
        '@' => 'a',
        '5' => 's',
        '$' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => Drop,
    };

    private static char[] BuildTable()
    {
        var table = new char[char.MaxValue + 1];
        for (int i = 0; i <= char.MaxValue; i++)
        {
            char c = (char)i;
            table[i] = char.IsSurrogate(c) ? c : char.ToLowerInvariant(c);
        }

        // Zero-width and invisible formatting characters hide words from naive matching.
        foreach (char c in "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0")
        {
            table[c] = Drop;
        }
        for (int c = 0x0300; c <= 0x036f; c++)
        {
            table[c] = Drop; // combining accents
        }
        for (int c = 0xfe00; c <= 0xfe0f; c++)
        {
            table[c] = Drop; // variation selectors
        }

        // Full-width ASCII.
        for (int c = 0xff01; c <= 0xff5e; c++)
        {
            table[c] = char.ToLowerInvariant((char)(c - 0xff01 + 0x21));
        }

        // Spaces of every width become a plain space; typographic quotes and dashes their ASCII forms.
        foreach (char c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
        {
            table[c] = ' ';
        }
        foreach (char c in "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060")
        {
            table[c] = '\'';
        }
        foreach (char c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb")
        {
            table[c] = '"';
        }
        foreach (char c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
        {
            table[c] = '-';
        }

        // Accented Latin letters and look-alikes from other scripts.
        Map(table, "àáâãäåāăąǎȁȃạảấầẩẫậắằẳẵặ", 'a');
        Map(table, "ÀÁÂÃÄÅĀĂĄǍ", 'a');
        Map(table, "çćĉċč", 'c');
        Map(table, "ÇĆĈĊČ", 'c');
        Map(table, "ďđ", 'd');
        Map(table, "èéêëēĕėęěȅȇẹẻẽếềểễệ", 'e');
        Map(table, "ÈÉÊËĒĔĖĘĚ", 'e');
        Map(table, "ĝğġģ", 'g');
        Map(table, "ĥħ", 'h');
        Map(table, "ìíîïĩīĭįıǐȉȋịỉ", 'i');
        Map(table, "ÌÍÎÏĨĪĬĮİ", 'i');
        Map(table, "ĵ", 'j');
        Map(table, "ķ", 'k');
        Map(table, "ĺļľŀł", 'l');
        Map(table, "ñńņňŉ", 'n');
        Map(table, "ÑŃŅŇ", 'n');
        Map(table, "òóôõöøōŏőǒȍȏọỏốồổỗộớờởỡợ", 'o');
        Map(table, "ÒÓÔÕÖØŌŎŐ", 'o');
        Map(table, "ŕŗř", 'r');
        Map(table, "śŝşšș", 's');
        Map(table, "ŚŜŞŠȘ", 's');
        Map(table, "ţťŧț", 't');
        Map(table, "ùúûüũūŭůűųǔȕȗụủứừửữự", 'u');
        Map(table, "ÙÚÛÜŨŪŬŮŰŲ", 'u');
        Map(table, "ŵ", 'w');
        Map(table, "ýÿŷỳỵỷỹ", 'y');
        Map(table, "ÝŸŶ", 'y');
        Map(table, "źżž", 'z');
        Map(table, "ŹŻŽ", 'z');
        // Cyrillic and Greek letters that look like Latin ones.
        Map(table, "аАɑαΑ", 'a');
        Map(table, "вВβΒ", 'b');
        Map(table, "сСϲϹ", 'c');
        Map(table, "еЕёЁεΕ", 'e');
        Map(table, "һҺ", 'h');
        Map(table, "іІїЇιΙ", 'i');
        Map(table, "јЈ", 'j');
        Map(table, "кКκΚ", 'k');
        Map(table, "мМΜ", 'm');
        Map(table, "ηΝ", 'n');
        Map(table, "оОοΟσ", 'o');
        Map(table, "рРρΡ", 'p');
        Map(table, "ѕЅ", 's');
        Map(table, "тТτΤ", 't');
        Map(table, "υ", 'u');
        Map(table, "ԝ", 'w');
        Map(table, "хХχΧ", 'x');
        Map(table, "уУγ", 'y');
        Map(table, "ΖΖ", 'z');
        return table;
    }

    private static void Map(char[] table, string from, char to)
    {
        foreach (char c in from)
        {
            table[c] = to;
        }
    }
}
