using System.Runtime.CompilerServices;
using Tailor.Store;

namespace Tailor.Data.Export;

/// <summary>
/// Streams training examples out of the interaction store: successful exchanges that pass the
/// filter (time range, route, model, source, moderation, feedback), with corrections in place of
/// the answers people fixed, each keeping the id of the interaction it came from.
/// </summary>
/// <remarks>Thread-safe: holds only its dependencies.</remarks>
public sealed class LogExporter(IInteractionStore store, IFeedbackLookup? feedback = null)
{
    /// <summary>The examples, newest interaction first; <paramref name="result"/> counts what was read and skipped.</summary>
    public async IAsyncEnumerable<Conversation> ExportAsync(LogExportFilter filter, LogExportResult result, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(result);
        if (filter.MinFeedback is not null && feedback is null)
        {
            throw new InvalidOperationException("a feedback threshold needs feedback: the store records none yet; pass a feedback file");
        }
        var query = new InteractionQuery
        {
            Since = filter.Since,
            Until = filter.Until,
            Route = filter.Route,
            Source = filter.Source,
            Limit = int.MaxValue,
        };
        await foreach (var interaction in store.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            result.Read++;
            if (interaction.Status != InteractionStatus.Ok)
            {
                result.Skip("status");
                continue;
            }
            if (!filter.IncludeEvalTraffic && filter.Source is null && IsEvalTraffic(interaction.Source))
            {
                result.Skip("eval traffic");
                continue;
            }
            if (filter.Model is not null && !string.Equals(interaction.ModelId, filter.Model, StringComparison.Ordinal))
            {
                result.Skip("model");
                continue;
            }
            if (filter.ExcludeFlagged && ModerationFlags.IsFlagged(interaction.MetadataJson))
            {
                result.Skip("flagged");
                continue;
            }
            var rating = feedback is null ? null : await feedback.GetAsync(interaction.Id, cancellationToken).ConfigureAwait(false);
            if (filter.MinFeedback is { } min)
            {
                if (rating?.Score is not { } score)
                {
                    result.Skip("no feedback");
                    continue;
                }
                if (score < min)
                {
                    result.Skip("feedback below");
                    continue;
                }
            }
            string? correction = filter.ApplyCorrections ? rating?.Correction : null;
            var conversation = InteractionConversion.ToConversation(interaction, filter.IncludeSystemPrompt, correction, rating?.Score);
            if (conversation is null)
            {
                result.Skip("empty answer");
                continue;
            }
            if (correction is not null)
            {
                result.Corrected++;
            }
            result.Exported++;
            yield return conversation;
            if (filter.Limit is { } limit && result.Exported >= limit)
            {
                yield break;
            }
        }
    }

    private static bool IsEvalTraffic(string source) => source is "eval" or "eval-judge";
}
