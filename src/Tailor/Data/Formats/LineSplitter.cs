namespace Tailor.Data.Formats;

/// <summary>Streams a JSONL file once and writes every line, verbatim, to the stream a decision picks: nothing is lost or rewritten.</summary>
public static class LineSplitter
{
    /// <summary>
    /// Writes line i (0-based) of <paramref name="input"/> to <c>targets[route(i)]</c>; a null target drops
    /// nothing silently: it is only allowed when the caller counts those lines itself. Returns lines per target.
    /// </summary>
    public static async Task<long[]> SplitAsync(Stream input, Func<long, int> route, IReadOnlyList<Stream?> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(targets);
        var counts = new long[targets.Count];
        var reader = new JsonlLineReader(input);
        var copier = new LineCopier(input);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            int target = route(line.Number - 1);
            counts[target]++;
            if (targets[target] is { } stream)
            {
                await copier.WriteAsync(line, stream, cancellationToken).ConfigureAwait(false);
            }
        }
        return counts;
    }
}
