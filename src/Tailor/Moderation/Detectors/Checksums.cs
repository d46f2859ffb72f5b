namespace Tailor.Moderation.Detectors;

/// <summary>The check-digit rules that tell a real identifier from a number of the same shape.</summary>
public static class Checksums
{
    /// <summary>Luhn (mod 10), as payment cards use; <paramref name="digits"/> holds only digits.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        int sum = 0;
        bool doubleIt = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i] - '0';
            if (d is < 0 or > 9)
            {
                return false;
            }
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return digits.Length > 0 && sum % 10 == 0;
    }

    /// <summary>ISO 13616 IBAN check: the country's length and mod 97 == 1. Spaces are ignored; letters may be any case.</summary>
    public static bool Iban(ReadOnlySpan<char> iban)
    {
        Span<char> compact = stackalloc char[34];
        int n = 0;
        foreach (char c in iban)
        {
            if (c == ' ')
            {
                continue;
            }
            if (n == compact.Length || !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
            compact[n++] = char.ToUpperInvariant(c);
        }
        if (n < 15 || !char.IsAsciiLetter(compact[0]) || !char.IsAsciiLetter(compact[1]) || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }
        if (IbanLengths.TryGetValue(new string(compact[..2]), out int expected) && expected != n)
        {
            return false;
        }

        // Move the first four characters to the end, letters become 10..35, then mod 97 piece by piece.
        int remainder = 0;
        for (int k = 0; k < n; k++)
        {
            char c = compact[(k + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }
        return remainder == 1;
    }

    /// <summary>Spanish DNI: eight digits and the letter <c>TRWAGMYFPDXBNJZSQVHLCKE[n % 23]</c>.</summary>
    public static bool SpanishDni(ReadOnlySpan<char> digits, char letter)
    {
        const string letters = "TRWAGMYFPDXBNJZSQVHLCKE";
        if (digits.Length != 8 || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n))
        {
            return false;
        }
        return letters[n % 23] == char.ToUpperInvariant(letter);
    }

    /// <summary>French NIR (social security number): 13 characters (Corsica 2A/2B allowed) and key = 97 - (n mod 97).</summary>
    public static bool FrenchNir(ReadOnlySpan<char> body, int key)
    {
        if (body.Length != 13)
        {
            return false;
        }
        long n = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (i == 6 && (c is 'A' or 'a' or 'B' or 'b'))
            {
                // 2A and 2B are Corsica; the key is computed with 19 and 18 in place of "2A" and "2B".
                n = n / 10 * 100 + (c is 'A' or 'a' ? 19 : 18);
                continue;
            }
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            n = n * 10 + (c - '0');
        }
        return 97 - (int)(n % 97) == key;
    }

    // Official IBAN lengths of the SWIFT registry for the countries people most often write.
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AT"] = 20, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22, ["BR"] = 29, ["CH"] = 21,
        ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["EE"] = 20, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23,
        ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15,
        ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24, ["SE"] = 24,
        ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VG"] = 24, ["XK"] = 20,
    };
}
