namespace Tailor.Local.Inference;

/// <summary>
/// Passes generated text through, holding back any tail that could still become a stop sequence, so a stop
/// sequence is never emitted, not even in part. Not thread-safe: one per generation.
/// </summary>
internal sealed class StopSequenceFilter(IReadOnlyList<string> stopSequences)
{
    private readonly string[] _stops = stopSequences.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToArray();
    private string _pending = "";

    /// <summary>True once a stop sequence was seen; nothing more may be pushed.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds text; returns what is now safe to emit (up to, not including, a stop sequence).</summary>
    public string Push(string text)
    {
        if (Stopped)
        {
            throw new InvalidOperationException("A stop sequence was already reached.");
        }

        _pending += text;
        if (_stops.Length == 0)
        {
            return Take(_pending.Length);
        }

        var first = -1;
        foreach (var stop in _stops)
        {
            var at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        if (first >= 0)
        {
            Stopped = true;
            var safe = _pending[..first];
            _pending = "";
            return safe;
        }

        // Keep the longest tail that is a proper prefix of some stop sequence.
        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, _pending.Length); length > hold; length--)
            {
                if (_pending.AsSpan(_pending.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    hold = length;
                    break;
                }
            }
        }

        return Take(_pending.Length - hold);
    }

    /// <summary>Whatever is held back, at the end of generation without a stop.</summary>
    public string Flush() => Take(_pending.Length);

    private string Take(int count)
    {
        var result = _pending[..count];
        _pending = _pending[count..];
        return result;
    }
}
