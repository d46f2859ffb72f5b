namespace Tailor.Moderation.Taxonomy;

/// <summary>A vendor's or benchmark's category list and how each of its categories maps into the canonical taxonomy.</summary>
/// <param name="Name">The taxonomy (<c>mistral-2411</c>, <c>openai</c>, <c>llama-guard-3</c>, ...).</param>
/// <param name="Categories">Vendor category → canonical categories, in the vendor's order.</param>
public sealed record VendorTaxonomy(string Name, IReadOnlyList<(string Vendor, string Description, IReadOnlyList<string> Canonical)> Categories)
{
    /// <summary>The canonical categories <paramref name="vendorCategory"/> maps to; empty when it is unknown or has no counterpart.</summary>
    public IReadOnlyList<string> ToCanonical(string vendorCategory) =>
        Categories.FirstOrDefault(c => string.Equals(c.Vendor, vendorCategory, StringComparison.OrdinalIgnoreCase)).Canonical ?? [];

    /// <summary>The vendor categories that map to <paramref name="canonical"/>.</summary>
    public IEnumerable<string> FromCanonical(string canonical) =>
        Categories.Where(c => c.Canonical.Contains(canonical)).Select(c => c.Vendor);

    /// <summary>
    /// Canonical scores from vendor scores: each canonical category takes the highest score of the vendor categories
    /// that map to it. Vendor categories without a counterpart are dropped.
    /// </summary>
    public IReadOnlyList<CategoryScore> MapScores(IEnumerable<KeyValuePair<string, double>> vendorScores)
    {
        ArgumentNullException.ThrowIfNull(vendorScores);
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (vendor, score) in vendorScores)
        {
            foreach (string canonical in ToCanonical(vendor))
            {
                best[canonical] = Math.Max(score, best.GetValueOrDefault(canonical));
            }
        }
        return [.. ModerationCategories.All.Where(c => best.ContainsKey(c.Id)).Select(c => new CategoryScore(c.Id, best[c.Id]))];
    }

    /// <summary>The canonical categories flagged by any of <paramref name="flaggedVendorCategories"/>.</summary>
    public IReadOnlyList<string> MapFlags(IEnumerable<string> flaggedVendorCategories)
    {
        ArgumentNullException.ThrowIfNull(flaggedVendorCategories);
        var set = flaggedVendorCategories.SelectMany(ToCanonical).ToHashSet(StringComparer.Ordinal);
        return [.. ModerationCategories.All.Select(c => c.Id).Where(set.Contains)];
    }
}
