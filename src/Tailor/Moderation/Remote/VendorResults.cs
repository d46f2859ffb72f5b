using System.Text.Json;
using Tailor.Moderation.Taxonomy;
using Tailor.Providers;

namespace Tailor.Moderation.Remote;

/// <summary>Reads the <c>results[0]</c> object Mistral and OpenAI both answer with: <c>categories</c> (booleans) and <c>category_scores</c>.</summary>
internal static class VendorResults
{
    public static ModerationResult Read(JsonDocument document, string classifier, VendorTaxonomy taxonomy, string provider)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array || results.GetArrayLength() == 0
            || results[0].ValueKind != JsonValueKind.Object)
        {
            throw new ModelProviderException($"{provider} answered without moderation results", "check base_url: it should be the vendor's API root, ending in /v1", provider: provider);
        }

        var result = results[0];
        var scores = new List<KeyValuePair<string, double>>();
        if (result.TryGetProperty("category_scores", out var scoreMap) && scoreMap.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in scoreMap.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Number)
                {
                    scores.Add(new(entry.Name, Math.Clamp(entry.Value.GetDouble(), 0, 1)));
                }
            }
        }
        var flagged = new List<string>();
        if (result.TryGetProperty("categories", out var flags) && flags.ValueKind == JsonValueKind.Object)
        {
            flagged.AddRange(flags.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.True).Select(e => e.Name));
        }

        return new ModerationResult
        {
            Classifier = classifier,
            Scores = taxonomy.MapScores(scores),
            Flagged = taxonomy.MapFlags(flagged),
        };
    }
}
