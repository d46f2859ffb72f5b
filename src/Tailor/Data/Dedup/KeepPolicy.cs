namespace Tailor.Data.Dedup;

/// <summary>Which example of a duplicate cluster stays.</summary>
public enum KeepPolicy
{
    /// <summary>The first in file order.</summary>
    First,

    /// <summary>The one with the most content characters (ties: the first).</summary>
    Longest,

    /// <summary>The one with the highest <c>rating</c> (top level or in <c>metadata</c>; ties and unrated: the first).</summary>
    BestRated,
}
