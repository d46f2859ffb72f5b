using System.Globalization;
using System.Runtime.InteropServices;
using Tailor.Data.Dedup;
using Tailor.Data.Text;
using Tailor.Data.Tokens;

namespace Tailor.Data.Stats;

/// <summary>
/// Accumulates <see cref="DatasetStatistics"/> over a stream of examples in one pass. Counts are
/// exact; lexical measures (distinct-n, top n-grams, prompt clusters) run on a seeded reservoir
/// sample of <see cref="SampleSize"/> examples so memory stays bounded on any file.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class DatasetStatisticsBuilder
{
    private readonly ITokenCounter? _tokens;
    private readonly IReadOnlyCollection<string> _specIds;
    private readonly Random _random;
    private readonly List<int> _messages = [], _turns = [], _characters = [], _tokenCounts = [];
    private readonly Dictionary<string, long> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _systemPrompts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _tags = new(StringComparer.Ordinal);
    private readonly List<(Conversation Conversation, long Line)> _sample = [];
    private long _lines, _examples, _texts, _unreadable, _withoutSystem, _withTools, _toolCalls, _untrained, _untagged;

    /// <param name="tokens">Counts tokens per example; null to skip.</param>
    /// <param name="specIds">Objective and policy ids of the spec, to report those no example serves.</param>
    /// <param name="seed">Seeds the sample.</param>
    public DatasetStatisticsBuilder(ITokenCounter? tokens = null, IReadOnlyCollection<string>? specIds = null, int seed = 1)
    {
        _tokens = tokens;
        _specIds = specIds ?? [];
        _random = new Random(seed);
    }

    public int SampleSize { get; init; } = 10_000;

    /// <summary>A line that was not a readable example.</summary>
    public void AddUnreadable()
    {
        _lines++;
        _unreadable++;
    }

    public void Add(Conversation conversation, long line)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        _lines++;
        _examples++;
        _characters.Add((int)Math.Min(int.MaxValue, ConversationWords.Length(conversation)));
        if (_tokens is not null)
        {
            _tokenCounts.Add(_tokens.Count(conversation).Total);
        }
        foreach (var tag in conversation.Tags)
        {
            _tags[tag] = _tags.GetValueOrDefault(tag) + 1;
        }
        if (conversation.Tags.Count == 0)
        {
            _untagged++;
        }
        if (conversation.IsText)
        {
            _texts++;
        }
        else
        {
            _messages.Add(conversation.Messages.Count);
            _turns.Add(conversation.Messages.Count(m => m.Role == MessageRole.User));
            foreach (var message in conversation.Messages)
            {
                string role = message.Role.ToString().ToLowerInvariant();
                _roles[role] = _roles.GetValueOrDefault(role) + 1;
                if (message.Role == MessageRole.Assistant && !message.IsTrained)
                {
                    _untrained++;
                }
                foreach (var call in message.ToolCalls)
                {
                    _toolCalls++;
                    _functions[call.Name] = _functions.GetValueOrDefault(call.Name) + 1;
                }
            }
            if (conversation.EffectiveSystemPrompt is { } system)
            {
                _systemPrompts[system] = _systemPrompts.GetValueOrDefault(system) + 1;
            }
            else
            {
                _withoutSystem++;
            }
            if (conversation.Tools.Count > 0)
            {
                _withTools++;
            }
        }
        // Reservoir sampling (algorithm R): every example has the same chance to be in the sample.
        if (_sample.Count < SampleSize)
        {
            _sample.Add((conversation, line));
        }
        else
        {
            long slot = _random.NextInt64(_examples);
            if (slot < SampleSize)
            {
                _sample[(int)slot] = (conversation, line);
            }
        }
    }

    public DatasetStatistics Build()
    {
        var (distinct1, distinct2) = DistinctN();
        var (clusters, clusteredShare) = Clusters();
        var tags = Top(_tags, int.MaxValue);
        var warnings = new List<string>();
        foreach (string id in _specIds.Where(id => !_tags.ContainsKey(id)))
        {
            warnings.Add($"no example serves '{id}'");
        }
        if (tags.Count >= 2)
        {
            double mean = tags.Average(t => (double)t.Count);
            foreach (var tag in tags.Where(t => t.Count < 0.2 * mean))
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"'{tag.Label}' has {tag.Count} example(s), under a fifth of the mean per tag ({mean:0.#}): add examples or expect it to be learnt poorly"));
            }
        }
        if (_specIds.Count > 0)
        {
            foreach (var tag in tags.Where(t => !_specIds.Contains(t.Label)))
            {
                warnings.Add($"tag '{tag.Label}' is not an objective or policy id of the spec");
            }
        }
        if (_examples > 0 && clusteredShare > 0.5)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{clusteredShare:P0} of prompts have a near-identical twin: the set is repetitive; run 'tailor data dedup'"));
        }
        if (_examples > 0 && _untagged == _examples && _specIds.Count > 0)
        {
            warnings.Add("no example carries tags: coverage of objectives and policies cannot be told");
        }
        return new DatasetStatistics
        {
            Lines = _lines,
            Examples = _examples,
            Conversations = _examples - _texts,
            Texts = _texts,
            Unreadable = _unreadable,
            Messages = Distribution.Of(_messages),
            UserTurns = Distribution.Of(_turns),
            Characters = Distribution.Of(_characters),
            Tokens = _tokens is null ? null : Distribution.Of(_tokenCounts),
            Tokenizer = _tokens?.Name,
            TokensEstimated = _tokens?.IsEstimate ?? false,
            Roles = Top(_roles, 10),
            DistinctSystemPrompts = _systemPrompts.Count,
            WithoutSystemPrompt = _withoutSystem,
            TopSystemPrompts = Top(_systemPrompts, 5).Select(s => s with { Label = Shorten(s.Label, 100) }).ToList(),
            WithTools = _withTools,
            ToolCalls = _toolCalls,
            Functions = Top(_functions, 20),
            UntrainedAssistantMessages = _untrained,
            Sampled = _sample.Count,
            Distinct1 = distinct1,
            Distinct2 = distinct2,
            TopPromptTrigrams = TopTrigrams(),
            PromptClusters = clusters,
            ClusteredPromptShare = clusteredShare,
            Tags = tags,
            Untagged = _untagged,
            Warnings = warnings,
        };
    }

    private (double, double) DistinctN()
    {
        var unigrams = new HashSet<ulong>();
        var bigrams = new HashSet<ulong>();
        long total1 = 0, total2 = 0;
        var words = new List<ulong>();
        foreach (var (conversation, _) in _sample)
        {
            foreach (var message in conversation.Messages.Where(m => m.Role == MessageRole.Assistant && m.Content is not null))
            {
                words.Clear();
                WordHasher.HashWords(message.Content, words);
                for (int i = 0; i < words.Count; i++)
                {
                    unigrams.Add(words[i]);
                    total1++;
                    if (i > 0)
                    {
                        bigrams.Add(words[i - 1] * 31 ^ words[i]);
                        total2++;
                    }
                }
            }
            if (conversation.Text is { } text)
            {
                words.Clear();
                WordHasher.HashWords(text, words);
                total1 += words.Count;
                unigrams.UnionWith(words);
            }
        }
        return (total1 == 0 ? 0 : Math.Round((double)unigrams.Count / total1, 4), total2 == 0 ? 0 : Math.Round((double)bigrams.Count / total2, 4));
    }

    private List<LabelCount> TopTrigrams()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (conversation, _) in _sample)
        {
            foreach (var message in conversation.Messages.Where(m => m.Role == MessageRole.User && m.Content is not null))
            {
                var words = LowerWords(message.Content!);
                for (int i = 0; i + 3 <= words.Count; i++)
                {
                    string gram = $"{words[i]} {words[i + 1]} {words[i + 2]}";
                    counts[gram] = counts.GetValueOrDefault(gram) + 1;
                }
            }
        }
        return Top(counts, 15).Where(c => c.Count > 1).ToList();
    }

    private (List<PromptCluster>, double) Clusters()
    {
        var prompts = _sample
            .Select(s => (Text: s.Conversation.Messages.FirstOrDefault(m => m.Role == MessageRole.User)?.Content ?? s.Conversation.Text, s.Line))
            .Where(p => !string.IsNullOrWhiteSpace(p.Text))
            .ToList();
        if (prompts.Count < 2)
        {
            return ([], 0);
        }
        var parameters = new LshParameters { Threshold = 0.5, ShingleSize = 2, Bands = 32 };
        var index = new MinHashLshIndex(parameters);
        var hasher = new MinHasher(parameters.Permutations, parameters.Seed);
        int first = index.Reserve(prompts.Count);
        var words = new List<ulong>();
        var shingles = new List<ulong>();
        var signature = new uint[parameters.Permutations];
        for (int i = 0; i < prompts.Count; i++)
        {
            words.Clear();
            shingles.Clear();
            WordHasher.HashWords(prompts[i].Text, words);
            Shingles.Build(CollectionsMarshal.AsSpan(words), parameters.ShingleSize, shingles);
            hasher.Compute(CollectionsMarshal.AsSpan(shingles), signature);
            index.Set(first + i, signature);
        }
        var roots = index.Clusters();
        var groups = roots.Select((root, i) => (root, i)).GroupBy(x => x.root).Where(g => g.Count() > 1).ToList();
        double share = (double)groups.Sum(g => g.Count()) / prompts.Count;
        var clusters = groups
            .OrderByDescending(g => g.Count())
            .Take(10)
            .Select(g => new PromptCluster(g.Count(), Shorten(prompts[g.Key].Text!, 100), prompts[g.Key].Line))
            .ToList();
        return (clusters, Math.Round(share, 4));
    }

    private static List<string> LowerWords(string text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool word = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (word && start < 0)
            {
                start = i;
            }
            else if (!word && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return words;
    }

    private static List<LabelCount> Top(Dictionary<string, long> counts, int take) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(take).Select(c => new LabelCount(c.Key, c.Value)).ToList();

    private static string Shorten(string text, int max)
    {
        string flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
