using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tailor.Spec;

namespace Tailor.Gateway.Routing;

/// <summary>
/// Decides whether a request goes to a route's canary. Sticky splits hash the route name with the caller's key
/// (or user), so a caller stays on one side for as long as the percentage is unchanged, and raising it only moves
/// callers towards the canary, never back.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class TrafficSplit
{
    /// <summary>Whether this request goes to the canary.</summary>
    /// <param name="canary">The route's canary.</param>
    /// <param name="route">Route name (so one caller is not on the canary side of every route at once).</param>
    /// <param name="keyId">The caller's key id.</param>
    /// <param name="user">The request's <c>user</c> field.</param>
    /// <param name="random">Draws for non-sticky splits.</param>
    public static bool ChoosesCanary(CanarySpec canary, string route, string? keyId, string? user, Random random)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(random);
        if (canary.Percent <= 0)
        {
            return false;
        }

        if (canary.Percent >= 100)
        {
            return true;
        }

        string? stickTo = canary.Sticky switch
        {
            StickyBy.Key => keyId,
            StickyBy.User => user ?? keyId,
            _ => null,
        };
        double point = stickTo is null ? random.NextDouble() * 100 : Bucket(route, stickTo);
        return point < canary.Percent;
    }

    /// <summary>The caller's fixed point in [0, 100) for <paramref name="route"/>.</summary>
    public static double Bucket(string route, string caller)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(caller);
        // SHA-256 rather than string.GetHashCode: the split must be the same in every process and every release.
        ulong hash = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(route + "\n" + caller)));
        return hash % 10_000 / 100.0;
    }
}
