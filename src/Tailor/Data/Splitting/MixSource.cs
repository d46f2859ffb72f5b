namespace Tailor.Data.Splitting;

/// <summary>One input of a mix: a JSONL file and its relative weight (weights are normalised, as in mistral-finetune's <c>a.jsonl:5.,b.jsonl:1.</c>).</summary>
public sealed record MixSource(string Path, double Weight)
{
    /// <summary>Parses <c>path[:weight]</c> (weight 1 when absent).</summary>
    public static MixSource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon > 0 && double.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double weight))
        {
            if (weight <= 0 || double.IsNaN(weight) || double.IsInfinity(weight))
            {
                throw new FormatException($"'{text}': the weight after ':' is a positive number");
            }
            return new MixSource(text[..colon], weight);
        }
        return new MixSource(text, 1);
    }
}

/// <summary>What a mix took from one source.</summary>
/// <param name="Path">The source file.</param>
/// <param name="Available">Readable examples in the file.</param>
/// <param name="Taken">Examples written to the mix (can exceed <paramref name="Available"/>: then examples repeat).</param>
/// <param name="Share">The share of the mix this source was asked for.</param>
/// <param name="Unreadable">Lines left out because they are not readable examples.</param>
public sealed record MixedSource(string Path, long Available, long Taken, double Share, long Unreadable);
