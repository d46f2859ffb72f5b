using Tailor.Data.Formats;

namespace Tailor.Data.Decontamination;

/// <summary>
/// Checks every example of a training file against a <see cref="ContaminationIndex"/>, on all
/// cores, streaming; <see cref="RemoveAsync"/> then writes the clean lines and the matched lines
/// (verbatim) to separate streams.
/// </summary>
public static class Decontaminator
{
    private const int BatchSize = 4096;

    /// <summary>Every matching line, in file order. Lines that are not readable examples are not checked (validate first).</summary>
    public static IReadOnlyList<ContaminationMatch> Scan(Stream training, ContaminationIndex index, int maxDegreeOfParallelism = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(index);
        var matches = new List<ContaminationMatch>();
        var reader = new JsonlLineReader(training);
        var batch = new List<(long Line, byte[] Bytes)>(BatchSize);
        var found = new ContaminationMatch?[BatchSize];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        void Flush()
        {
            Parallel.For(0, batch.Count, parallel, i =>
            {
                var conversation = ConversationLineParser.Parse(batch[i].Bytes).Conversation;
                found[i] = conversation is null ? null : index.Find(conversation, batch[i].Line);
            });
            for (int i = 0; i < batch.Count; i++)
            {
                if (found[i] is { } match)
                {
                    matches.Add(match);
                }
            }
            batch.Clear();
        }
        while (reader.TryRead(out var line))
        {
            if (line.IsBlank || line.IsTooLong)
            {
                continue;
            }
            batch.Add((line.Number, line.Content.ToArray()));
            if (batch.Count == BatchSize)
            {
                Flush();
            }
        }
        Flush();
        return matches;
    }

    /// <summary>Writes the lines not in <paramref name="matches"/> to <paramref name="clean"/> and the others to <paramref name="removed"/>.</summary>
    public static async Task<(long Clean, long Removed)> RemoveAsync(Stream training, IReadOnlyList<ContaminationMatch> matches, Stream clean, Stream? removed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var lines = matches.Select(m => m.Line - 1).ToHashSet();
        var counts = await LineSplitter.SplitAsync(training, i => lines.Contains(i) ? 1 : 0, [clean, removed], cancellationToken).ConfigureAwait(false);
        return (counts[0], counts[1]);
    }
}
