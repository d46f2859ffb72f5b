using System.Text.Json;
using Tailor.Data.Formats;

namespace Tailor.Data.Export;

/// <summary>
/// Feedback read from a JSONL file, one <c>{"interaction_id": "...", "score": 4, "correction": "..."}</c>
/// per line (<c>score</c> and <c>correction</c> optional; a later line for the same id wins).
/// A malformed line throws <see cref="InvalidDataException"/> naming the file, line and field.
/// </summary>
/// <remarks>Immutable once loaded; thread-safe.</remarks>
public sealed class FeedbackFile : IFeedbackLookup
{
    private readonly Dictionary<string, InteractionFeedback> _byId;

    private FeedbackFile(Dictionary<string, InteractionFeedback> byId) => _byId = byId;

    public int Count => _byId.Count;

    public static async Task<FeedbackFile> LoadAsync(string path, string? displayPath = null, CancellationToken cancellationToken = default)
    {
        displayPath ??= path;
        var byId = new Dictionary<string, InteractionFeedback>(StringComparer.Ordinal);
        await using var stream = DatasetReader.OpenRead(path);
        var reader = new JsonlLineReader(stream);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.IsBlank)
            {
                continue;
            }
            string where = $"{displayPath}:{line.Number}";
            try
            {
                using var document = JsonDocument.Parse(line.Raw);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{where}: a feedback line is an object {{\"interaction_id\", \"score\", \"correction\"}}");
                }
                if (!root.TryGetProperty("interaction_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } interactionId)
                {
                    throw new InvalidDataException($"{where}: interaction_id is missing or not a string");
                }
                double? score = null;
                if (root.TryGetProperty("score", out var s) && s.ValueKind != JsonValueKind.Null)
                {
                    score = s.ValueKind == JsonValueKind.Number ? s.GetDouble() : throw new InvalidDataException($"{where}: score is not a number");
                }
                string? correction = null;
                if (root.TryGetProperty("correction", out var c) && c.ValueKind != JsonValueKind.Null)
                {
                    correction = c.ValueKind == JsonValueKind.String ? c.GetString() : throw new InvalidDataException($"{where}: correction is not a string");
                }
                byId[interactionId] = new InteractionFeedback(interactionId, score, correction);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{where}: not valid JSON ({ex.Message})", ex);
            }
        }
        return new FeedbackFile(byId);
    }

    public ValueTask<InteractionFeedback?> GetAsync(string interactionId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_byId.GetValueOrDefault(interactionId));
}
