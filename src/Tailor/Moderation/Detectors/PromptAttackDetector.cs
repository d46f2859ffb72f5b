using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Tailor.Moderation.Normalization;

namespace Tailor.Moderation.Detectors;

/// <summary>
/// Scores prompt injection and jailbreak attempts (<see cref="ModerationCategories.PromptAttack"/>) from independent
/// signals: instructions to ignore the system prompt, jailbreak personas, system prompt extraction, fake role and
/// special-token markers, "new instructions", requests to drop safety rules, and instructions to decode a payload.
/// Each signal has a weight; the score combines them as independent evidence (1 - Π(1 - w)). The text is read through
/// its disguises too: case, accents, look-alike letters and zero-width characters (folded away), leetspeak, letters
/// spaced out, rot13, and base64 or hex payloads (decoded and scored; being disguised adds weight of its own).
/// </summary>
/// <remarks>
/// Stateless and thread-safe. A signal needs an instruction-like object: "ignore the noise" or "disregard my previous
/// message" score 0, "ignore all previous instructions" scores 0.75. Spans point at the phrases that gave a signal.
/// </remarks>
public sealed partial class PromptAttackDetector() : SpanDetector("prompt_attack", ModerationCategories.PromptAttack)
{
    private static readonly SearchValues<char> LeetChars = SearchValues.Create("0134578@$!|");

    // Each signal's pattern only runs when one of its words is in the text: a vectorised substring search costs a
    // fraction of a regex scan, and most messages contain none of them.
    private static readonly Signal[] Signals =
    [
        new("ignore_instructions", 0.75, IgnoreInstructions(), Words("ignore", "disregard", "forget", "override", "overrule", "bypass", "neglect", "discard", "set aside", "follow", "pay no attention")),
        new("system_prompt_extraction", 0.65, PromptExtraction(), Words("prompt", "instruction", "system message", "initial message", "above", "before this", "preceding")),
        new("jailbreak_persona", 0.6, JailbreakPersona(), Words("anything now", "dan", "developer mode", "jailbr", "unfiltered", "uncensored", "unrestricted", "amoral", "rogue", "evil", "unethical", "ethical", "moral", "content", "in character", "confidant", "opposite mode", "gpt", "never refuse")),
        new("special_tokens", 0.6, SpecialTokens(), Words("<|", "[inst", "[/inst", "<<sys", "<</sys", "system>")),
        new("fake_role_header", 0.45, FakeRoleHeader(), Words("system", "developer", "##", "end of")),
        new("drop_safety", 0.4, DropSafety(), Words("restriction", "filter", "guardrail", "censorship", "safeguard", "polic", "limitation", "moderation")),
        new("new_instructions", 0.35, NewInstructions(), Words("from now on", "your new", "new rule", "you will now", "must obey")),
        new("decode_and_follow", 0.35, DecodeAndFollow(), Words("base64", "base 64", "rot13", "rot-13", "hex", "binary", "morse", "caesar", "encoded", "encrypted")),
    ];

    // The signals the rot13 reading is scanned for: any text rotated reads as noise, and noise must not add up to an attack.
    private const int StrongSignals = 3;

    // The signals found in one text, by name: reused on each thread, since Detect runs synchronously and is not re-entered.
    [ThreadStatic]
    private static Dictionary<string, double>? t_hits;

    private static SearchValues<string> Words(params string[] words) => SearchValues.Create(words, StringComparison.Ordinal);

    /// <summary>The weight a disguise (leetspeak, rot13, encoding, look-alike letters, spacing) adds when it hid a signal.</summary>
    public const double DisguiseWeight = 0.2;

    /// <summary>Score at or above which the detector judges the text an attack itself.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <inheritdoc />
    protected override double FlagAt => Threshold;

    /// <inheritdoc />
    private protected override void Find(string text, DetectorMatches found) => Detect(text, found);

    internal static void Detect(string text, DetectorMatches found)
    {
        var hits = t_hits ??= new Dictionary<string, double>(StringComparer.Ordinal);
        hits.Clear();
        char[] folded = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        int[] origins = ArrayPool<int>.Shared.Rent(Math.Max(1, text.Length));
        try
        {
            int n = TextFolding.Fold(text, folded, origins);
            var plain = folded.AsSpan(0, n);
            bool disguised = n != text.Length || HasLookAlikes(text);
            int before = hits.Count;
            Scan(plain, origins, found, hits, 1.0, null);
            if (disguised && hits.Count > before)
            {
                hits["disguise:look_alike"] = DisguiseWeight;
            }

            // Leetspeak: only signals the plain reading missed count as disguised.
            ScanSpacedLetters(plain, hits);
            ScanRot13(plain, hits);
            if (plain.ContainsAny(LeetChars))
            {
                char[] leet = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
                try
                {
                    int n2 = TextFolding.Fold(text, leet, default, leetspeak: true);
                    // Only a reading the folding changed can hide a signal the plain reading missed.
                    if (!leet.AsSpan(0, n2).SequenceEqual(plain))
                    {
                        Scan(leet.AsSpan(0, n2), origins, found, hits, 1.0, "disguise:leetspeak");
                    }
                }
                finally
                {
                    ArrayPool<char>.Shared.Return(leet);
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(folded);
            ArrayPool<int>.Shared.Return(origins);
        }

        ScanEncodedPayloads(text, found, hits);
        if (hits.Count > 0)
        {
            double keep = 1;
            foreach (double weight in hits.Values)
            {
                keep *= 1 - weight;
            }
            found.Raise(ModerationCategories.PromptAttack, Math.Round(1 - keep, 4));
        }
    }

    private static void Scan(ReadOnlySpan<char> text, int[] origins, DetectorMatches? found, Dictionary<string, double> hits, double scale, string? disguise)
    {
        foreach (var signal in Signals)
        {
            if (!signal.MayMatch(text))
            {
                continue;
            }
            foreach (ValueMatch m in signal.Pattern.EnumerateMatches(text))
            {
                bool isNew = !hits.ContainsKey(signal.Name);
                if (isNew)
                {
                    hits[signal.Name] = signal.Weight * scale;
                    if (disguise is not null)
                    {
                        hits[disguise] = DisguiseWeight;
                    }
                }
                if (found is not null && m.Length > 0 && origins.Length >= m.Index + m.Length)
                {
                    int start = origins[m.Index];
                    int end = origins[m.Index + m.Length - 1] + 1;
                    if (!found.Overlaps(start, end - start))
                    {
                        found.Add(start, end - start, ModerationCategories.PromptAttack, signal.Name, 0);
                    }
                }
                break; // one span per signal is enough to explain it
            }
        }
    }

    // "i g n o r e  a l l  p r e v i o u s ..." → "ignore all previous ...": runs of single letters are joined.
    private static void ScanSpacedLetters(ReadOnlySpan<char> text, Dictionary<string, double> hits)
    {
        if (!HasSpacedLetters(text) || !SpacedLetters().IsMatch(text))
        {
            return;
        }
        var joined = new StringBuilder(text.Length);
        int last = 0;
        foreach (ValueMatch m in SpacedLetters().EnumerateMatches(text))
        {
            joined.Append(text[last..m.Index]);
            char previous = '\0';
            foreach (char c in text.Slice(m.Index, m.Length))
            {
                if (char.IsAsciiLetter(c))
                {
                    joined.Append(c);
                }
                else if (c == ' ' && previous == ' ')
                {
                    joined.Append(' '); // two spaces between spaced-out letters separate words
                }
                previous = c;
            }
            joined.Append(' ');
            last = m.Index + m.Length;
        }
        joined.Append(text[last..]);
        ScanOther(joined.ToString(), hits, "disguise:spaced_letters");
    }

    private static void ScanRot13(ReadOnlySpan<char> text, Dictionary<string, double> hits)
    {
        char[] rotated = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        try
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                rotated[i] = c is >= 'a' and <= 'z' ? (char)('a' + (c - 'a' + 13) % 26) : c;
            }
            var span = rotated.AsSpan(0, text.Length);
            foreach (var signal in Signals.AsSpan(0, StrongSignals))
            {
                if (!hits.ContainsKey(signal.Name) && signal.MayMatch(span) && signal.Pattern.IsMatch(span))
                {
                    hits[signal.Name] = signal.Weight;
                    hits["disguise:rot13"] = DisguiseWeight;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rotated);
        }
    }

    // Five single letters each followed by one separator: the cheap test before the pattern.
    private static bool HasSpacedLetters(ReadOnlySpan<char> text)
    {
        int run = 0;
        for (int i = 0; i + 1 < text.Length; i++)
        {
            bool single = char.IsAsciiLetter(text[i]) && (i == 0 || !char.IsAsciiLetter(text[i - 1])) && !char.IsAsciiLetter(text[i + 1]);
            if (single)
            {
                if (++run >= 5)
                {
                    return true;
                }
                i++;
            }
            else if (char.IsAsciiLetter(text[i]))
            {
                run = 0;
            }
        }
        return false;
    }

    // The longest run of characters that may belong to a base64 or hex payload.
    private static int LongestEncodedRun(string text)
    {
        int best = 0, run = 0;
        foreach (char c in text)
        {
            run = char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' ? run + 1 : 0;
            best = Math.Max(best, run);
        }
        return best;
    }

    private static void ScanEncodedPayloads(string text, DetectorMatches found, Dictionary<string, double> hits)
    {
        if (LongestEncodedRun(text) < 24)
        {
            return;
        }
        foreach (ValueMatch m in Base64Run().EnumerateMatches(text))
        {
            if (DecodeBase64(text.AsSpan(m.Index, m.Length)) is { } decoded && ScanOther(TextFolding.Fold(decoded), hits, "disguise:base64"))
            {
                found.Add(m.Index, m.Length, ModerationCategories.PromptAttack, "encoded_payload", 0);
            }
        }
        foreach (ValueMatch m in HexRun().EnumerateMatches(text))
        {
            if (DecodeHex(text.AsSpan(m.Index, m.Length)) is { } decoded && ScanOther(TextFolding.Fold(decoded), hits, "disguise:hex"))
            {
                found.Add(m.Index, m.Length, ModerationCategories.PromptAttack, "encoded_payload", 0);
            }
        }
    }

    private static bool ScanOther(string text, Dictionary<string, double> hits, string disguise)
    {
        int before = hits.Count;
        Scan(text, [], null, hits, 1.0, disguise);
        return hits.Count > before;
    }

    private static string? DecodeBase64(ReadOnlySpan<char> run)
    {
        int padded = (run.Length + 3) / 4 * 4;
        Span<char> chars = padded <= 4096 ? stackalloc char[padded] : new char[padded];
        run.CopyTo(chars);
        chars[run.Length..].Fill('=');
        byte[] bytes = ArrayPool<byte>.Shared.Rent(padded);
        try
        {
            if (!Convert.TryFromBase64Chars(chars, bytes, out int written))
            {
                return null;
            }
            return AsPrintableText(bytes.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static string? DecodeHex(ReadOnlySpan<char> run)
    {
        if (run.Length % 2 != 0)
        {
            run = run[..^1];
        }
        byte[] bytes = new byte[run.Length / 2];
        return Convert.FromHexString(run, bytes, out _, out int written) == OperationStatus.Done ? AsPrintableText(bytes.AsSpan(0, written)) : null;
    }

    // Decoded bytes count as hidden text when they are valid UTF-8 and nearly all printable.
    private static string? AsPrintableText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8 || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }
        string text = Encoding.UTF8.GetString(bytes);
        int printable = text.Count(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
        int letters = text.Count(char.IsLetter);
        return printable >= text.Length * 0.95 && letters >= text.Length * 0.5 ? text : null;
    }

    private static bool HasLookAlikes(string text)
    {
        foreach (char c in text)
        {
            if (c > 0x7f && c is (>= '\u0370' and <= '\u04ff') or (>= '\u2000' and <= '\u206f') or (>= '\uff00' and <= '\uffef') or '\ufeff')
            {
                return true;
            }
        }
        return false;
    }

    private sealed record Signal(string Name, double Weight, Regex Pattern, SearchValues<string> Words)
    {
        public bool MayMatch(ReadOnlySpan<char> text) => text.ContainsAny(Words);
    }

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    [GeneratedRegex(@"\b(?:ignore|disregard|forget|override|overrule|bypass|neglect|discard|set aside|stop following|do not follow|don'?t follow|no longer follow|pay no attention to)(?!\s+(?:my|our|his|her|their)\b)\s+(?:\w+\s+){0,3}?(?:all|any|every|your|previous|prior|preceding|above|earlier|initial|original|system|developer|safety|default|existing|hidden|built-?in)\s+(?:\w+\s+){0,2}?(?:instructions?|rules|prompts?|guidelines|directives?|constraints|polic(?:y|ies)|programming|guardrails|restrictions|commands|training|context)\b|\b(?:ignore|disregard|forget)\s+(?:the|all|any)\s+(?:instructions|rules|guidelines|prompt)\s+(?:you(?:'ve| have| were)?\s+(?:been\s+)?given|above|before this|so far)", Options)]
    private static partial Regex IgnoreInstructions();

    [GeneratedRegex(@"\b(?:repeat|print|show|reveal|output|display|tell|give|share|leak|dump|write out|spell out|recite|copy|paste|what (?:is|are|were|was))(?: me| us)?(?: back)?(?: all| everything in| exactly| verbatim| word for word)?(?: of)? (?:your (?:(?:full|entire|exact|original|initial|hidden|secret|system|internal|first) )?(?:system )?(?:prompt|instructions|system message|pre-?prompt|initial message)|the (?:(?:full|entire|exact) )?(?:system|initial|original|hidden|secret|internal|developer|first|pre-?) ?(?:prompt|instructions|message|rules)|(?:the )?(?:text|words|message|instructions|everything) (?:above|before this|preceding this))\b", Options)]
    private static partial Regex PromptExtraction();

    [GeneratedRegex(@"\b(?:do anything now|dan mode|developer mode (?:enabled|activated|is on)|jailbroken|jailbreak mode|(?:you are|you're) (?:now |going to be )?(?:dan|stan|dude|aim|an? (?:unfiltered|uncensored|unrestricted|amoral|rogue) (?:ai|assistant|model|chatbot))|(?:act|behave|respond|pretend|roleplay|role-play)(?: as| like| to be| that you are| you are)(?: an?| my)? (?:unfiltered|uncensored|unrestricted|evil|amoral|unethical|rogue|jailbroken)|(?:without|with no|free (?:of|from)|not bound by) (?:any )?(?:ethical|moral|content) (?:guidelines|restrictions|constraints|limits|filters|boundaries|principles)|stay in character (?:no matter what|at all times)|evil confidant|opposite mode|anti-?gpt|never refuses?(?: a| any)? (?:request|question)s?)\b", Options)]
    private static partial Regex JailbreakPersona();

    [GeneratedRegex(@"<\|(?:im_start|im_end|system|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\|>|\[/?inst\]|<</?sys>>|</?system>", Options)]
    private static partial Regex SpecialTokens();

    [GeneratedRegex(@"(?:^|\n)\s*(?:#{2,}\s*(?:system|new instructions?)\b|(?:system|developer)\s*(?:prompt|message)?\s*:)|\bend of (?:the )?(?:system )?prompt\b", Options)]
    private static partial Regex FakeRoleHeader();

    [GeneratedRegex(@"\b(?:without|ignoring|bypass(?:ing)?|disabl(?:e|ing)|remov(?:e|ing)|turn(?:ing)? off|lift(?:ing)?|with no|free of)\s+(?:any |all |your |the )?(?:(?:safety|content|ethical|moral)\s)?(?:restrictions|filters|filtering|guardrails|censorship|safeguards|content polic(?:y|ies)|limitations|moderation)\b", Options)]
    private static partial Regex DropSafety();

    [GeneratedRegex(@"\b(?:from now on,? you (?:will|are|must|shall|should)|your new (?:instructions|task|role|rules|goal|purpose|identity) (?:is|are)|new rules?\s*:|you will now (?:act|respond|answer|behave|obey)|you must obey (?:me|my|the following))\b", Options)]
    private static partial Regex NewInstructions();

    [GeneratedRegex(@"\b(?:decode|decrypt|translate|convert|read)\b.{0,40}\b(?:base64|base 64|rot-?13|hex|binary|morse|caesar)\b.{0,60}\b(?:follow|execute|obey|carry out|run|perform|act on|do what)|\b(?:follow|execute|obey|carry out)\b.{0,40}\b(?:base64|base 64|rot-?13|hex|encoded|encrypted)\b", Options)]
    private static partial Regex DecodeAndFollow();

    [GeneratedRegex(@"(?:\b[a-z](?:[ .\-_*]|  )){5,}[a-z]\b", RegexOptions.CultureInvariant)]
    private static partial Regex SpacedLetters();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Run();

    [GeneratedRegex(@"(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}){16,}(?![0-9a-fA-F])", RegexOptions.CultureInvariant)]
    private static partial Regex HexRun();
}
