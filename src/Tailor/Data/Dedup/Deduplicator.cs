using System.Collections;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tailor.Data.Formats;
using Tailor.Data.Text;

namespace Tailor.Data.Dedup;

/// <summary>
/// Exact and near-duplicate removal over a JSONL file in two streaming passes: <see cref="Plan"/>
/// reads every line once, computing a normalised-text hash and a MinHash signature per example on
/// all cores, then clusters; <see cref="ApplyAsync"/> reads the file again and writes each line,
/// verbatim, to the kept or the removed stream. Memory is the signatures (about 400 bytes per
/// example at the defaults), never the text.
/// </summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class Deduplicator
{
    private const int BatchSize = 8192;

    /// <summary>First pass: decide which lines stay.</summary>
    public static DedupPlan Plan(Stream input, DedupOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new DedupOptions();
        options.Lsh.Validate();
        var hasher = new MinHasher(options.Lsh.Permutations, options.Lsh.Seed);
        var index = new MinHashLshIndex(options.Lsh);
        var lineNumbers = new List<long>();
        var exact = new List<UInt128>();
        var lengths = new List<long>();
        var ratings = new List<double>();
        var readable = new List<bool>();
        long lines = 0;

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reader = new JsonlLineReader(input);
        var batch = new List<(long Number, byte[] Bytes)>(BatchSize);
        var results = new (bool Ok, UInt128 Hash, long Length, double Rating)[BatchSize];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism), CancellationToken = cancellationToken };

        void Flush()
        {
            int first = index.Reserve(batch.Count);
            Parallel.For(0, batch.Count, parallel,
                () => new Scratch(options.Lsh.Permutations),
                (i, _, scratch) =>
                {
                    results[i] = Fingerprint(batch[i].Bytes, options, hasher, scratch);
                    index.Set(first + i, scratch.Signature);
                    return scratch;
                },
                _ => { });
            for (int i = 0; i < batch.Count; i++)
            {
                lineNumbers.Add(batch[i].Number);
                readable.Add(results[i].Ok);
                exact.Add(results[i].Hash);
                lengths.Add(results[i].Length);
                ratings.Add(results[i].Rating);
            }
            batch.Clear();
        }

        while (reader.TryRead(out var line))
        {
            lines++;
            batch.Add((line.Number, line.IsTooLong || line.IsBlank ? [] : line.Content.ToArray()));
            if (batch.Count == BatchSize)
            {
                Flush();
            }
        }
        Flush();
        var fingerprintTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        started = System.Diagnostics.Stopwatch.GetTimestamp();

        int count = index.Count;
        var sets = new UnionFind(count);
        var isExactDuplicate = new bool[count];
        if (options.Exact)
        {
            var firstByHash = new Dictionary<UInt128, int>(count);
            for (int i = 0; i < count; i++)
            {
                if (!readable[i])
                {
                    continue;
                }
                if (firstByHash.TryGetValue(exact[i], out int original))
                {
                    sets.Union(original, i);
                    isExactDuplicate[i] = true;
                }
                else
                {
                    firstByHash[exact[i]] = i;
                }
            }
        }
        long checks = options.Near ? index.Cluster(sets, i => readable[i] && !isExactDuplicate[i], cancellationToken: cancellationToken) : 0;

        // Group members by root; only clusters of two or more matter.
        var size = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (readable[i])
            {
                size[sets.Find(i)]++;
            }
        }
        var members = new Dictionary<int, List<int>>();
        for (int i = 0; i < count; i++)
        {
            if (readable[i] && size[sets.Find(i)] > 1)
            {
                int root = sets.Find(i);
                if (!members.TryGetValue(root, out var list))
                {
                    members[root] = list = [];
                }
                list.Add(i);
            }
        }

        var keep = new BitArray((int)Math.Min(int.MaxValue, lines), true);
        var clusters = new List<DuplicateCluster>(members.Count);
        long exactRemoved = 0, nearRemoved = 0;
        foreach (var group in members.Values)
        {
            int keeper = group[0];
            foreach (int candidate in group)
            {
                bool better = options.Keep switch
                {
                    KeepPolicy.Longest => lengths[candidate] > lengths[keeper],
                    KeepPolicy.BestRated => ratings[candidate] > ratings[keeper],
                    _ => false,
                };
                if (better)
                {
                    keeper = candidate;
                }
            }
            var removed = new List<DuplicateMember>(group.Count - 1);
            foreach (int member in group)
            {
                if (member == keeper)
                {
                    continue;
                }
                bool same = exact[member] == exact[keeper];
                removed.Add(new DuplicateMember(lineNumbers[member], same ? DuplicateKind.Exact : DuplicateKind.Near, same ? 1.0 : Math.Round(index.Similarity(member, keeper), 4)));
                keep[(int)(lineNumbers[member] - 1)] = false;
                if (same)
                {
                    exactRemoved++;
                }
                else
                {
                    nearRemoved++;
                }
            }
            clusters.Add(new DuplicateCluster(lineNumbers[keeper], removed));
        }
        clusters.Sort((a, b) => a.KeptLine.CompareTo(b.KeptLine));
        return new DedupPlan(keep, clusters)
        {
            Lines = lines,
            Examples = readable.Count(r => r),
            Unreadable = lines - readable.Count(r => r),
            ExactRemoved = exactRemoved,
            NearRemoved = nearRemoved,
            SimilarityChecks = checks,
            SignatureBytes = index.MemoryBytes,
            FingerprintTime = fingerprintTime,
            ClusterTime = System.Diagnostics.Stopwatch.GetElapsedTime(started),
        };
    }

    /// <summary>Second pass: every line of <paramref name="input"/> goes, verbatim, to <paramref name="kept"/> or <paramref name="removed"/>.</summary>
    public static async Task<(long Kept, long Removed)> ApplyAsync(Stream input, DedupPlan plan, Stream kept, Stream? removed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var counts = await LineSplitter.SplitAsync(input, i => plan.IsKept(i) ? 0 : 1, [kept, removed], cancellationToken).ConfigureAwait(false);
        return (counts[0], counts[1]);
    }

    private sealed class Scratch(int permutations)
    {
        public List<ulong> Words { get; } = new(512);
        public List<ulong> Shingles { get; } = new(512);
        public uint[] Signature { get; } = new uint[permutations];
    }

    private static (bool Ok, UInt128 Hash, long Length, double Rating) Fingerprint(byte[] line, DedupOptions options, MinHasher hasher, Scratch scratch)
    {
        scratch.Words.Clear();
        scratch.Shingles.Clear();
        var conversation = line.Length == 0 ? null : ConversationLineParser.Parse(line).Conversation;
        if (conversation is not null)
        {
            ConversationWords.Hash(conversation, scratch.Words, includeSystem: options.IncludeSystemPrompt);
        }
        if (conversation is null || scratch.Words.Count == 0)
        {
            scratch.Signature.AsSpan().Fill(uint.MaxValue);
            return (false, default, 0, 0);
        }
        var words = CollectionsMarshal.AsSpan(scratch.Words);
        UInt128 hash = System.IO.Hashing.XxHash128.HashToUInt128(MemoryMarshal.AsBytes(words));
        Shingles.Build(words, options.Lsh.ShingleSize, scratch.Shingles);
        hasher.Compute(CollectionsMarshal.AsSpan(scratch.Shingles), scratch.Signature);
        return (true, hash, ConversationWords.Length(conversation), RatingOf(conversation));
    }

    /// <summary>The example's <c>rating</c> (top level or in <c>metadata</c>); unrated examples rank lowest.</summary>
    internal static double RatingOf(Conversation conversation)
    {
        if (conversation.Metadata.TryGetValue("rating", out var rating) && rating.ValueKind == JsonValueKind.Number)
        {
            return rating.GetDouble();
        }
        if (conversation.Metadata.TryGetValue("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("rating", out rating) && rating.ValueKind == JsonValueKind.Number)
        {
            return rating.GetDouble();
        }
        return double.NegativeInfinity;
    }
}
