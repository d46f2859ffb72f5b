using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Tailor.Moderation.Detectors;

/// <summary>
/// Finds personal data, with spans for redaction: e-mail addresses, phone numbers, payment cards (Luhn-checked,
/// known issuer prefixes), IBANs (country length and mod-97 checked), IPv4 and IPv6 addresses (not the any, loopback
/// and broadcast addresses, which name no one's host), national ids (US SSN with its invalid ranges excluded, UK
/// National Insurance numbers, Spanish DNI with its check letter, French NIR with its key) and street addresses (English, German and French forms). All findings are <see cref="ModerationCategories.Privacy"/>.
/// </summary>
/// <remarks>Stateless and thread-safe. Numbers that have the shape but fail their check (a 16-digit number failing Luhn, an IBAN with a wrong checksum) are not reported.</remarks>
public sealed partial class PiiDetector() : SpanDetector("pii", ModerationCategories.Privacy)
{
    /// <inheritdoc />
    private protected override void Find(string text, DetectorMatches found) => Detect(text, found);

    internal static void Detect(string text, DetectorMatches found)
    {
        const string privacy = ModerationCategories.Privacy;
        if (text.Contains('@'))
        {
            foreach (ValueMatch m in Email().EnumerateMatches(text))
            {
                found.Add(m.Index, m.Length, privacy, "email");
            }
        }

        if (!text.AsSpan().ContainsAnyInRange('0', '9'))
        {
            return; // every other kind of personal data here has digits in it
        }

        foreach (ValueMatch m in Iban().EnumerateMatches(text))
        {
            if (Checksums.Iban(text.AsSpan(m.Index, m.Length)))
            {
                found.Add(m.Index, m.Length, privacy, "iban");
            }
        }
        foreach (ValueMatch m in CardNumber().EnumerateMatches(text))
        {
            if (!found.Overlaps(m.Index, m.Length) && IsPaymentCard(text.AsSpan(m.Index, m.Length)))
            {
                found.Add(m.Index, m.Length, privacy, "payment_card");
            }
        }
        foreach (ValueMatch m in UsSsn().EnumerateMatches(text))
        {
            found.Add(m.Index, m.Length, privacy, "us_ssn");
        }
        foreach (ValueMatch m in UkNino().EnumerateMatches(text))
        {
            found.Add(m.Index, m.Length, privacy, "uk_nino");
        }
        foreach (ValueMatch m in SpanishDni().EnumerateMatches(text))
        {
            var value = text.AsSpan(m.Index, m.Length);
            if (Checksums.SpanishDni(value[..8], value[^1]))
            {
                found.Add(m.Index, m.Length, privacy, "es_dni");
            }
        }
        foreach (ValueMatch m in FrenchNir().EnumerateMatches(text))
        {
            if (!found.Overlaps(m.Index, m.Length) && IsFrenchNir(text.AsSpan(m.Index, m.Length)))
            {
                found.Add(m.Index, m.Length, privacy, "fr_nir");
            }
        }
        foreach (ValueMatch m in IPv4().EnumerateMatches(text))
        {
            if (!NamesNoHost(text.AsSpan(m.Index, m.Length)))
            {
                found.Add(m.Index, m.Length, privacy, "ip_address");
            }
        }
        if (text.Contains(':'))
        {
            foreach (ValueMatch m in IPv6Candidate().EnumerateMatches(text))
            {
                var candidate = text.AsSpan(m.Index, m.Length);
                if (candidate.Count(':') >= 2 && IPAddress.TryParse(candidate, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
                    && !address.Equals(IPAddress.IPv6Any) && !IPAddress.IsLoopback(address))
                {
                    found.Add(m.Index, m.Length, privacy, "ip_address");
                }
            }
        }
        foreach (Regex phone in (Regex[])[InternationalPhone(), NorthAmericanPhone(), LocalPhone()])
        {
            foreach (ValueMatch m in phone.EnumerateMatches(text))
            {
                int digits = CountDigits(text.AsSpan(m.Index, m.Length));
                if (digits is >= 8 and <= 15 && !found.Overlaps(m.Index, m.Length))
                {
                    found.Add(m.Index, m.Length, privacy, "phone");
                }
            }
        }
        foreach (Regex address in (Regex[])[EnglishStreetAddress(), GermanStreetAddress(), FrenchStreetAddress()])
        {
            foreach (ValueMatch m in address.EnumerateMatches(text))
            {
                if (!found.Overlaps(m.Index, m.Length))
                {
                    found.Add(m.Index, m.Length, privacy, "street_address");
                }
            }
        }
    }

    private static bool IsPaymentCard(ReadOnlySpan<char> candidate)
    {
        Span<char> digits = stackalloc char[candidate.Length];
        int n = 0;
        char separator = '\0';
        foreach (char c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
            }
            else if (separator == '\0')
            {
                separator = c;
            }
            else if (c != separator)
            {
                return false; // "1234-5678 9012" mixes separators: not how a card is written
            }
        }
        digits = digits[..n];
        if (n is < 13 or > 19 || !Checksums.Luhn(digits))
        {
            return false;
        }

        // Issuer prefixes (IIN ranges) of the networks in use; a Luhn-valid number outside them is most likely not a card.
        int two = (digits[0] - '0') * 10 + (digits[1] - '0');
        int four = two * 100 + (digits[2] - '0') * 10 + (digits[3] - '0');
        return digits[0] == '4'                                   // Visa
            || two is >= 51 and <= 55 || four is >= 2221 and <= 2720 // Mastercard
            || two is 34 or 37                                    // American Express
            || four == 6011 || two == 65 || four is >= 6440 and <= 6499 // Discover
            || four is >= 3528 and <= 3589                        // JCB
            || two is 36 or 38 || four is >= 3000 and <= 3059     // Diners Club
            || two == 62                                          // UnionPay
            || four is 5018 or 5020 or 5038 or 5893 or 6304 or 6759 or 6761 or 6762 or 6763; // Maestro
    }

    private static bool IsFrenchNir(ReadOnlySpan<char> candidate)
    {
        Span<char> compact = stackalloc char[candidate.Length];
        int n = 0;
        foreach (char c in candidate)
        {
            if (c != ' ')
            {
                compact[n++] = c;
            }
        }
        return n == 15 && int.TryParse(compact[13..15], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int key)
            && Checksums.FrenchNir(compact[..13], key);
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        int n = 0;
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                n++;
            }
        }
        return n;
    }

    // 0.0.0.0 (any address), 127.x.x.x (this machine) and 255.255.255.255 (broadcast) name no one's host: config
    // files and answers about servers are full of them, and they are not personal data.
    private static bool NamesNoHost(ReadOnlySpan<char> ip) =>
        ip.SequenceEqual("0.0.0.0") || ip.SequenceEqual("255.255.255.255") || ip.StartsWith("127.");

    [GeneratedRegex(@"(?<![\w.%+-])[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*\.[a-z]{2,24}(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d-]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumber();

    [GeneratedRegex(@"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex UsSsn();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex UkNino();

    [GeneratedRegex(@"(?<![A-Za-z0-9])\d{8}-?[A-HJ-NP-TV-Z](?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex SpanishDni();

    [GeneratedRegex(@"(?<![\d])[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex FrenchNir();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)", RegexOptions.CultureInvariant)]
    private static partial Regex IPv4();

    [GeneratedRegex(@"(?<![\w:.])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IPv6Candidate();

    [GeneratedRegex(@"(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,5}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex InternationalPhone();

    [GeneratedRegex(@"(?<![\w(])(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex NorthAmericanPhone();

    [GeneratedRegex(@"(?<![\w.-]|\d[ .-])0[1-9]\d{0,3}(?:[ .-]\d{2,4}){2,4}(?![\d-]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex LocalPhone();

    [GeneratedRegex(@"\b\d{1,5}[A-Za-z]?,? (?:[A-Z][a-z]+\.? ){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|Square|Sq|Parkway|Pkwy|Highway|Hwy)\b\.?(?:,? (?:Apt|Suite|Unit|Flat)\.? ?\w+)?", RegexOptions.CultureInvariant)]
    private static partial Regex EnglishStreetAddress();

    [GeneratedRegex(@"\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|weg|gasse|platz|allee|ring|damm) \d{1,4}[a-z]?\b", RegexOptions.CultureInvariant)]
    private static partial Regex GermanStreetAddress();

    [GeneratedRegex(@"\b\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|boulevard|bd|place|allée|chemin|impasse|quai|route) (?:de la |de l'|du |des |de |d')?[A-ZÉÈ][\w'-]+(?: [A-ZÉÈ][\w'-]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex FrenchStreetAddress();
}
