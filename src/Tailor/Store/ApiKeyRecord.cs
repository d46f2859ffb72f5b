namespace Tailor.Store;

/// <summary>
/// An API key of the gateway as stored: its id, name, limits and usage, and the SHA-256 of its secret.
/// The key itself is never stored; it is shown once, when created.
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed record ApiKeyRecord
{
    /// <summary>The public part of the key (<c>tlr_&lt;id&gt;_…</c>), recorded with every interaction it makes.</summary>
    public required string Id { get; init; }

    /// <summary>Who or what the key is for ("alice", "beta-web").</summary>
    public required string Name { get; init; }

    /// <summary>SHA-256 of the secret part; compared in constant time.</summary>
    public required byte[] SecretHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Requests allowed per minute; null is unlimited.</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Tokens (input + output) allowed per minute; null is unlimited.</summary>
    public int? TokensPerMinute { get; init; }

    /// <summary>Total tokens the key may ever use; null is unlimited.</summary>
    public long? TokenQuota { get; init; }

    /// <summary>Tokens used so far, counted when each interaction is recorded.</summary>
    public long TokensUsed { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Whether the key can be used at <paramref name="now"/>: not revoked and not expired.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
