namespace Tailor.Moderation.Local;

/// <summary>
/// Which hashed features the local classifier computes from folded text, and how their values are scaled. A model
/// stores the set it was trained with, so scoring always computes exactly what training did.
/// </summary>
/// <remarks>Immutable. The defaults are the shipped model's.</remarks>
public sealed record LocalFeatures
{
    /// <summary>Shortest character n-gram taken from each word with its boundaries (<c>&lt;ki</c>, <c>kil</c>, ...).</summary>
    public int CharGramMin { get; init; } = 4;

    /// <summary>Longest character n-gram; n-grams of every length from <see cref="CharGramMin"/> up to this one are taken.</summary>
    public int CharGramMax { get; init; } = 4;

    /// <summary>Whether each pair of neighbouring words is a feature.</summary>
    public bool WordPairs { get; init; } = true;

    /// <summary>
    /// A feature present in the text (or window) has the value 1/√max(n, this), n being the distinct features there; one
    /// occurring several times counts once. The floor keeps a short text's few features from weighing as much as a whole
    /// sentence's: "ok" or "42" cannot score like a request.
    /// </summary>
    public int LengthFloor { get; init; } = 24;

    /// <summary>Throws when the settings cannot be computed.</summary>
    public void Validate()
    {
        if (CharGramMin is < 2 or > 8 || CharGramMax < CharGramMin || CharGramMax > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(CharGramMax), $"character n-grams must be between 2 and 8 characters, the shortest first (got {CharGramMin}..{CharGramMax})");
        }
        if (LengthFloor is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(LengthFloor), LengthFloor, "between 1 and 1000");
        }
    }
}
