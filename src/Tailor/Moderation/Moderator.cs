using System.Buffers;
using System.Collections.Concurrent;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Moderation;

/// <summary>
/// Runs the configured classifiers on a text and decides, with the policy, what happens to it: the moderation
/// layer without the chat plumbing. <see cref="Chat.ModerationChatClient"/> uses it on both sides of a model;
/// <c>tailor moderation check</c> and the gateway call it directly.
/// </summary>
/// <remarks>
/// <para>Thread-safe; classifiers run concurrently for one text. A classifier that throws (other than for the
/// caller's cancellation) becomes a result with <see cref="ModerationResult.Error"/>; see <see cref="ModeratorOptions.BlockOnError"/>.</para>
/// <para>
/// A category is found, in <see cref="ModerationCombineMode.Any"/> mode, when any classifier's score reaches its threshold:
/// the classifier's own setting, else the route's, else the layer's, else the classifier's own judgement
/// (<see cref="ModerationResult.Flagged"/>), else <see cref="ModeratorOptions.DefaultThreshold"/>. In
/// <see cref="ModerationCombineMode.Max"/> mode the highest score is compared with the route's or layer's threshold, else the default.
/// </para>
/// </remarks>
public sealed class Moderator
{
    private readonly ConfiguredClassifier[] _classifiers;
    private readonly ModeratorOptions _options;

    // Thresholds by category position, looked up once here rather than by name for every category of every verdict:
    // each classifier's own, the layer's, and the layer's with a route's overrides (per route that has any).
    private readonly double?[][] _own;
    private readonly double?[] _layer;
    private readonly ConcurrentDictionary<string, double?[]> _routeLayers = new(StringComparer.Ordinal);

    private static readonly List<ModerationFinding> NoFindings = [];

    public Moderator(IEnumerable<ConfiguredClassifier> classifiers, ModerationPolicy policy, ModeratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifiers);
        _classifiers = classifiers.ToArray();
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _options = options ?? new ModeratorOptions();
        _own = [.. _classifiers.Select(c => ByCategory(c.Thresholds))];
        _layer = ByCategory(_options.Thresholds);
    }

    public ModerationPolicy Policy { get; }

    public IReadOnlyList<ConfiguredClassifier> Classifiers => _classifiers;

    /// <summary>Classifies <paramref name="request"/> with every classifier and decides.</summary>
    public async ValueTask<ModerationVerdict> ModerateAsync(ModerationRequest request, string? route = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        long started = _options.TimeProvider.GetTimestamp();
        var pending = new ValueTask<ModerationResult>[_classifiers.Length];
        for (int i = 0; i < _classifiers.Length; i++)
        {
            pending[i] = Run(_classifiers[i].Classifier, request, cancellationToken);
        }

        var results = new ModerationResult[_classifiers.Length];
        for (int i = 0; i < pending.Length; i++)
        {
            results[i] = pending[i].IsCompletedSuccessfully ? pending[i].Result : await pending[i].ConfigureAwait(false);
        }

        return Decide(request, results, route, _options.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The verdict for results already in hand (one per configured classifier, in order).</summary>
    public ModerationVerdict Decide(ModerationRequest request, IReadOnlyList<ModerationResult> results, string? route = null, double elapsedMs = 0)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(results);
        var layer = LayerThresholds(route);
        int size = results.Count * ModerationCategories.All.Count;
        double[] scores = ArrayPool<double>.Shared.Rent(size);
        // Most texts have no finding: the lists are made when the first one comes.
        List<ModerationFinding>? findings = null;
        try
        {
            ScoreTable(results, scores.AsSpan(0, size));
            for (int k = 0; k < ModerationCategories.All.Count; k++)
            {
                string category = ModerationCategories.All[k].Id;
                if (Judge(category, k, scores, results, layer[k]) is { } found)
                {
                    var decision = Policy.Decide(category, request.Direction, route);
                    (findings ??= []).Add(new ModerationFinding(category, found.Score, found.Threshold, decision.Action, found.Classifiers, decision.PolicyIds));
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
        }

        var action = PolicyAction.Allow;
        string? refusal = null;
        string? escalation = null;
        List<TextSpan>? redactions = null;
        foreach (var finding in findings ?? NoFindings)
        {
            var findingAction = finding.Action;
            if (findingAction == PolicyAction.Redact)
            {
                var spans = results.Where(r => r.Error is null).SelectMany(r => r.Spans).Where(s => s.Category == finding.Category).ToList();
                if (spans.Count == 0)
                {
                    findingAction = PolicyAction.Block;
                    escalation ??= $"redact: nothing to point at for {finding.Category} (found by {string.Join(", ", finding.Classifiers)}), so it is blocked";
                }
                (redactions ??= []).AddRange(spans);
            }

            if (findingAction == PolicyAction.Block && refusal is null)
            {
                refusal = Policy.Decide(finding.Category, request.Direction, route).Refusal ?? ModerationPolicy.DefaultRefusal;
            }
            action = PolicyActionStrictness.Strictest(action, findingAction);
        }

        if (_options.BlockOnError && results.FirstOrDefault(r => r.Error is not null) is { } failed)
        {
            action = PolicyAction.Block;
            refusal ??= ModerationPolicy.DefaultRefusal;
            escalation ??= $"classifier {failed.Classifier} failed and block_on_error is on";
        }

        return new ModerationVerdict
        {
            Direction = request.Direction,
            Action = action,
            Findings = findings switch
            {
                null => Array.Empty<ModerationFinding>(),
                { Count: 1 } => findings,
                _ => [.. findings.OrderByDescending(f => f.Action.Rank()).ThenByDescending(f => f.Score)],
            },
            Redactions = action == PolicyAction.Redact && redactions is not null ? Redactor.Merge(redactions, request.Text.Length) : [],
            Refusal = action == PolicyAction.Block ? refusal : null,
            Escalation = escalation,
            Results = results,
            ElapsedMs = elapsedMs,
        };
    }

    /// <summary>
    /// Every result's score of every canonical category, <c>[result * categories + category]</c>, 0 when not judged, the
    /// first score when a result names a category twice (as <see cref="ModerationResult.ScoreOf"/>): each result's
    /// scores are looked up once, not once per category.
    /// </summary>
    private static void ScoreTable(IReadOnlyList<ModerationResult> results, Span<double> table)
    {
        int categories = ModerationCategories.All.Count;
        table.Clear();
        for (int i = 0; i < results.Count; i++)
        {
            var scores = results[i].Scores;
            for (int j = scores.Count - 1; j >= 0; j--)
            {
                if (ModerationCategories.IndexOf(scores[j].Category) is var k and >= 0)
                {
                    table[i * categories + k] = scores[j].Score;
                }
            }
        }

    }

    /// <summary>The layer's threshold of each category on <paramref name="route"/>: the route's own, else the layer's, else none.</summary>
    private double?[] LayerThresholds(string? route)
    {
        var overrides = Policy.RouteThresholds(route);
        if (overrides.Count == 0)
        {
            return _layer;
        }

        return _routeLayers.GetOrAdd(route!, static (_, state) =>
        {
            var merged = (double?[])state.Layer.Clone();
            for (int k = 0; k < merged.Length; k++)
            {
                if (state.Overrides.TryGetValue(ModerationCategories.All[k].Id, out double threshold))
                {
                    merged[k] = threshold;
                }
            }
            return merged;
        }, (Layer: _layer, Overrides: overrides));
    }

    private static double?[] ByCategory(IReadOnlyDictionary<string, double>? thresholds)
    {
        var byCategory = new double?[ModerationCategories.All.Count];
        for (int k = 0; k < byCategory.Length; k++)
        {
            byCategory[k] = thresholds is not null && thresholds.TryGetValue(ModerationCategories.All[k].Id, out double t) ? t : null;
        }
        return byCategory;
    }

    private (double Score, double? Threshold, IReadOnlyList<string> Classifiers)? Judge(
        string category, int categoryIndex, double[] scores, IReadOnlyList<ModerationResult> results, double? layerThreshold)
    {
        if (_options.Combine == ModerationCombineMode.Max)
        {
            return JudgeMax(categoryIndex, scores, results, layerThreshold ?? _options.DefaultThreshold);
        }

        int categories = ModerationCategories.All.Count;
        double score = 0;
        double? usedThreshold = null;
        List<string>? by = null;
        for (int i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (result.Error is not null)
            {
                continue;
            }

            double s = scores[i * categories + categoryIndex];
            double? own = i < _own.Length ? _own[i][categoryIndex] : null;
            double? threshold = own ?? layerThreshold ?? (result.Flagged is null ? _options.DefaultThreshold : null);
            bool present = threshold is { } th ? s >= th && s > 0 : result.Flagged!.Contains(category);
            if (present)
            {
                (by ??= []).Add(result.Classifier);
                if (s >= score)
                {
                    score = s;
                    usedThreshold = threshold;
                }
            }
        }

        return by is null ? null : (score, usedThreshold, by);
    }

    // A method of its own: its lambdas' closure would otherwise be allocated on every call of Judge, in either mode.
    private static (double Score, double? Threshold, IReadOnlyList<string> Classifiers)? JudgeMax(
        int categoryIndex, double[] scores, IReadOnlyList<ModerationResult> results, double threshold)
    {
        int categories = ModerationCategories.All.Count;
        var best = results.Select((x, i) => (x.Classifier, x.Error, Score: scores[i * categories + categoryIndex]))
            .Where(x => x.Error is null).Select(x => (x.Classifier, x.Score)).DefaultIfEmpty().MaxBy(x => x.Score);
        return best.Classifier is not null && best.Score >= threshold && best.Score > 0 ? (best.Score, threshold, [best.Classifier]) : null;
    }

    // The built-in classifiers answer synchronously: their result is taken as it is, without an async frame around it.
    private static ValueTask<ModerationResult> Run(IModerationClassifier classifier, ModerationRequest request, CancellationToken cancellationToken)
    {
        ValueTask<ModerationResult> running;
        try
        {
            running = classifier.ClassifyAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing classifier is a recorded result; the others still decide.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ValueTask.FromResult(Failed(classifier, ex));
        }

        return running.IsCompletedSuccessfully ? running : AwaitAsync(classifier, running, cancellationToken);
    }

    private static async ValueTask<ModerationResult> AwaitAsync(IModerationClassifier classifier, ValueTask<ModerationResult> running, CancellationToken cancellationToken)
    {
        try
        {
            return await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing classifier is a recorded result; the others still decide.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Failed(classifier, ex);
        }
    }

    private static ModerationResult Failed(IModerationClassifier classifier, Exception ex) => new() { Classifier = classifier.Name, Error = ex.Message };
}
