using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tailor.Moderation.Detectors;

/// <summary>
/// Finds credentials, with spans for redaction: private key blocks (a block still being written counts up to the end
/// of the text), provider key formats (AWS, GitHub, OpenAI, Anthropic, Slack, Google, Stripe), JSON Web Tokens whose
/// header really decodes to a JWT header, bearer tokens, URLs with a password, and <c>password=…</c>-style
/// assignments. Placeholders (<c>xxxx</c>, <c>&lt;your-key&gt;</c>, <c>${TOKEN}</c>, <c>****</c>) are not secrets.
/// All findings are <see cref="ModerationCategories.Secrets"/>.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed partial class SecretsDetector() : SpanDetector("secrets", ModerationCategories.Secrets)
{
    /// <inheritdoc />
    private protected override void Find(string text, DetectorMatches found) => Detect(text, found);

    internal static void Detect(string text, DetectorMatches found)
    {
        const string secrets = ModerationCategories.Secrets;
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            foreach (Match m in PrivateKeyHeader().Matches(text))
            {
                // The block runs to its END line; a block still being streamed runs to the end of the text.
                int end = text.IndexOf("-----END", m.Index + m.Length, StringComparison.Ordinal);
                int stop = end < 0 ? text.Length : Math.Min(text.Length, text.IndexOf("-----", end + 8, StringComparison.Ordinal) is var close and >= 0 ? close + 5 : text.Length);
                found.Add(m.Index, stop - m.Index, secrets, "private_key");
            }
        }

        var keys = text.AsSpan().ContainsAny(KeyPrefixes) ? ProviderKey().EnumerateMatches(text) : EmptyPattern().EnumerateMatches("");
        foreach (ValueMatch m in keys)
        {
            // Real keys are random: they have digits. "sk-this-is-not-a-key-at-all" has the shape but none.
            var key = text.AsSpan(m.Index, m.Length);
            if (!found.Overlaps(m.Index, m.Length) && key.ContainsAnyInRange('0', '9') && !IsPlaceholder(key))
            {
                found.Add(m.Index, m.Length, secrets, "api_key");
            }
        }

        if (text.Contains("eyJ", StringComparison.Ordinal))
        {
            foreach (ValueMatch m in Jwt().EnumerateMatches(text))
            {
                if (!found.Overlaps(m.Index, m.Length) && IsJwt(text.AsSpan(m.Index, m.Length)))
                {
                    found.Add(m.Index, m.Length, secrets, "jwt");
                }
            }
        }

        foreach (Match m in text.Contains("Bearer", StringComparison.Ordinal) ? BearerToken().Matches(text) : Enumerable.Empty<Match>())
        {
            var token = m.Groups["token"];
            if (!found.Overlaps(token.Index, token.Length) && !IsPlaceholder(token.ValueSpan))
            {
                found.Add(token.Index, token.Length, secrets, "bearer_token");
            }
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            foreach (Match m in UrlWithPassword().Matches(text))
            {
                var password = m.Groups["password"];
                if (!found.Overlaps(password.Index, password.Length) && !IsPlaceholder(password.ValueSpan))
                {
                    found.Add(password.Index, password.Length, secrets, "password");
                }
            }
        }

        foreach (Match m in text.AsSpan().ContainsAny(AssignmentWords) ? Assignment().Matches(text) : Enumerable.Empty<Match>())
        {
            var value = m.Groups["value"];
            if (!found.Overlaps(value.Index, value.Length) && !IsPlaceholder(value.ValueSpan) && LooksSecret(value.ValueSpan))
            {
                found.Add(value.Index, value.Length, secrets, m.Groups["name"].Value.Contains("pass", StringComparison.OrdinalIgnoreCase) || m.Groups["name"].Value.Equals("pwd", StringComparison.OrdinalIgnoreCase) ? "password" : "api_key");
            }
        }
    }

    // The patterns only run when one of their fixed parts is in the text (a vectorised search, much cheaper than a scan).
    private static readonly SearchValues<string> KeyPrefixes = SearchValues.Create(
        ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "gh", "github_pat_", "sk-", "xox", "AIza", "_live_", "_test_", "glpat-", "hf_", "SG."], StringComparison.Ordinal);

    private static readonly SearchValues<string> AssignmentWords = SearchValues.Create(
        ["pass", "pwd", "secret", "key", "token"], StringComparison.OrdinalIgnoreCase);

    // A JWT's header is base64url JSON with an "alg" member; "eyJ" alone is just the start of any base64 JSON.
    private static bool IsJwt(ReadOnlySpan<char> token)
    {
        int dot = token.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }
        var header = token[..dot];
        Span<byte> utf8 = stackalloc byte[header.Length];
        for (int i = 0; i < header.Length; i++)
        {
            utf8[i] = (byte)header[i];
        }
        Span<byte> decoded = stackalloc byte[Base64Url.GetMaxDecodedLength(header.Length)];
        if (Base64Url.DecodeFromUtf8(utf8, decoded, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(decoded[..written]);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("alg", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsPlaceholder(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value[0] is '<' or '$' or '{' or '%' || value.Contains("{{", StringComparison.Ordinal))
        {
            return true;
        }
        if (value.ContainsAnyExcept(value[0]) is false)
        {
            return true; // "********", "xxxxxxxx"
        }
        Span<char> lower = stackalloc char[Math.Min(value.Length, 256)];
        value[..lower.Length].ToLowerInvariant(lower);
        foreach (string word in PlaceholderWords)
        {
            if (lower.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly string[] PlaceholderWords =
        ["xxxx", "****", "....", "your", "example", "placeholder", "redacted", "changeme", "dummy", "here", "secret_key", "api_key", "password", "token", "none", "null", "env[", "getenv", "process.env", "os.environ"];

    // An assigned value is a secret when it is long enough and mixes kinds of characters; "password = true" is not one.
    private static bool LooksSecret(ReadOnlySpan<char> value)
    {
        if (value.Length < 6)
        {
            return false;
        }
        bool lower = false, upper = false, digit = false, other = false;
        foreach (char c in value)
        {
            if (char.IsAsciiLetterLower(c))
            {
                lower = true;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                upper = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else
            {
                other = true;
            }
        }
        int kinds = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
        return kinds >= 2 || value.Length >= 16;
    }

    [GeneratedRegex("(?!)")]
    private static partial Regex EmptyPattern();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyHeader();

    [GeneratedRegex(
        @"(?<![A-Za-z0-9_-])(?:" +
        @"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}" +              // AWS access key id
        @"|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{59,255}" +           // GitHub
        @"|sk-ant-[A-Za-z0-9_-]{20,}" +                                          // Anthropic
        @"|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}" +                     // OpenAI-style
        @"|xox[abposr]-[A-Za-z0-9-]{10,}" +                                       // Slack
        @"|AIza[0-9A-Za-z_-]{35}" +                                               // Google API key
        @"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}" +                          // Stripe
        @"|glpat-[A-Za-z0-9_-]{20}" +                                             // GitLab
        @"|hf_[A-Za-z0-9]{30,}" +                                                 // Hugging Face
        @"|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" +                             // SendGrid
        @")(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\bBearer +(?<token>[A-Za-z0-9._~+/-]{20,}=*)", RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@""']{1,64}:(?<password>[^\s@/""']{3,128})@[^\s/""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlWithPassword();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?<name>password|passwd|pwd|passphrase|secret|client_secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret[_-]?key|private[_-]?key)[""']?\s*(?::|=|:=|=>)\s*[""']?(?<value>[^\s""',;]{4,200})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();
}
