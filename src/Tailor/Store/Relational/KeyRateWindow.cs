namespace Tailor.Store.Relational;

/// <summary>
/// The sliding-window counter behind shared per-minute limits: the current calendar minute's count plus the previous
/// minute's, weighted by the share of it the sliding minute still covers.
/// </summary>
internal static class KeyRateWindow
{
    /// <summary>A calendar minute in milliseconds.</summary>
    public const long MinuteMs = 60_000;

    /// <summary>The start of the calendar minute holding <paramref name="unixMs"/> (Unix milliseconds).</summary>
    public static long MinuteOf(long unixMs) => unixMs - (unixMs % MinuteMs);

    /// <summary>
    /// Admits or refuses a request given this minute's counts (<c>requests</c> including the one being decided), the
    /// previous minute's, and how far into the current minute it is (<c>elapsed</c>, 0 to 1).
    /// </summary>
    public static KeyRateDecision Decide(
        long requests, long tokens, long previousRequests, long previousTokens, double elapsed, int? requestsPerMinute, long? tokensPerMinute)
    {
        double weight = 1 - elapsed;
        double slidingRequests = (previousRequests * weight) + requests;
        double slidingTokens = (previousTokens * weight) + tokens;
        TimeSpan wait = TimeSpan.Zero;
        if (requestsPerMinute is { } rpm && slidingRequests > rpm)
        {
            wait = Max(wait, UntilBelow(previousRequests, requests - 1, elapsed, rpm - 1));
        }

        if (tokensPerMinute is { } tpm && slidingTokens >= tpm)
        {
            wait = Max(wait, UntilBelow(previousTokens, tokens, elapsed, tpm - 1));
        }

        return new KeyRateDecision(wait == TimeSpan.Zero, slidingRequests, slidingTokens, wait);
    }

    // When the sliding count of what is already there (previous minute fading, current minute fixed, then fading in
    // its turn) falls to `room`, rounded up to whole seconds, at least one.
    private static TimeSpan UntilBelow(long previous, long current, double elapsed, double room)
    {
        double excess = (previous * (1 - elapsed)) + current - room;
        double seconds;
        if (previous > 0 && previous * (1 - elapsed) >= excess)
        {
            seconds = 60 * excess / previous;
        }
        else
        {
            // Not before the minute ends; then the current minute fades as the previous one did.
            double fraction = current > 0 ? Math.Clamp(1 - (room / current), 0, 1) : 0;
            seconds = (60 * (1 - elapsed)) + (60 * fraction);
        }

        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(seconds), 1, 120));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
