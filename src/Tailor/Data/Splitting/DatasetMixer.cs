using Microsoft.Win32.SafeHandles;
using Tailor.Data.Formats;

namespace Tailor.Data.Splitting;

/// <summary>
/// Mixes several JSONL files by weight into one, seeded: each source gets its share of the output,
/// sampled without repetition while it has enough examples and repeated (whole passes, then a
/// sample) when it does not; the result is shuffled. Lines are copied verbatim by offset, so only
/// line positions are held in memory. Unreadable lines are counted and left out.
/// </summary>
public static class DatasetMixer
{
    /// <param name="sources">The files and their weights.</param>
    /// <param name="output">Receives the mixed lines.</param>
    /// <param name="total">Examples in the mix; null takes the largest mix that repeats no example.</param>
    /// <param name="seed">Seeds sampling and shuffling: the same seed gives the same file.</param>
    /// <param name="cancellationToken">Stops the mix.</param>
    public static async Task<IReadOnlyList<MixedSource>> MixAsync(IReadOnlyList<MixSource> sources, Stream output, long? total = null, int seed = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(output);
        if (sources.Count == 0)
        {
            throw new ArgumentException("mix at least one source", nameof(sources));
        }
        double weightSum = sources.Sum(s => s.Weight);
        var indexes = new List<(List<long> Offsets, List<int> Lengths, long Unreadable)>();
        foreach (var source in sources)
        {
            indexes.Add(await IndexAsync(source.Path, cancellationToken).ConfigureAwait(false));
        }
        var shares = sources.Select(s => s.Weight / weightSum).ToArray();
        long size = total ?? (long)Math.Floor(Enumerable.Range(0, sources.Count).Min(i => indexes[i].Offsets.Count / shares[i]));

        var random = new Random(seed);
        var picks = new List<(int Source, int Line)>();
        var taken = new long[sources.Count];
        long assigned = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            long want = Math.Max(0, s == sources.Count - 1 ? size - assigned : Math.Min(size - assigned, (long)Math.Round(size * shares[s])));
            assigned += want;
            int available = indexes[s].Offsets.Count;
            if (want > 0 && available == 0)
            {
                throw new InvalidDataException($"{sources[s].Path} has no readable examples to mix");
            }
            var order = Enumerable.Range(0, available).ToArray();
            for (long n = 0; n < want;)
            {
                random.Shuffle(order);
                for (int i = 0; i < order.Length && n < want; i++, n++)
                {
                    picks.Add((s, order[i]));
                }
            }
            taken[s] = want;
        }
        var shuffled = picks.ToArray();
        random.Shuffle(shuffled);

        var handles = sources.Select(s => File.OpenHandle(s.Path, FileMode.Open, FileAccess.Read, FileShare.Read)).ToArray();
        try
        {
            byte[] buffer = new byte[1 << 16];
            foreach (var (s, line) in shuffled)
            {
                int length = indexes[s].Lengths[line];
                if (buffer.Length < length)
                {
                    buffer = new byte[Math.Max(length, buffer.Length * 2)];
                }
                ReadExactly(handles[s], buffer.AsSpan(0, length), indexes[s].Offsets[line]);
                await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                output.WriteByte((byte)'\n');
            }
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
        return Enumerable.Range(0, sources.Count)
            .Select(i => new MixedSource(sources[i].Path, indexes[i].Offsets.Count, taken[i], Math.Round(shares[i], 4), indexes[i].Unreadable))
            .ToList();
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new EndOfStreamException("the file changed while it was being mixed");
            }
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static async Task<(List<long>, List<int>, long)> IndexAsync(string path, CancellationToken cancellationToken)
    {
        var offsets = new List<long>();
        var lengths = new List<int>();
        long unreadable = 0;
        await using var stream = DatasetReader.OpenRead(path);
        var reader = new JsonlLineReader(stream);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.IsBlank)
            {
                continue;
            }
            if (line.IsTooLong || ConversationLineParser.Parse(line.Content).Conversation is null)
            {
                unreadable++;
                continue;
            }
            offsets.Add(line.Offset);
            lengths.Add((int)line.Length);
        }
        return (offsets, lengths, unreadable);
    }
}
