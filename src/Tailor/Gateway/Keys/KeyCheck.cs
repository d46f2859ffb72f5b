using Tailor.Store;

namespace Tailor.Gateway.Keys;

/// <summary>The outcome of checking a presented key.</summary>
public enum KeyCheckStatus
{
    Valid,

    /// <summary>No <c>Authorization: Bearer</c> header.</summary>
    Missing,

    /// <summary>Not a Tailor key, an unknown id, or a wrong secret (deliberately not told apart to the caller).</summary>
    Invalid,

    Revoked,
    Expired,
}

/// <summary>A checked key: its status and, when <see cref="KeyCheckStatus.Valid"/>, its record.</summary>
public sealed record KeyCheck(KeyCheckStatus Status, ApiKeyRecord? Key, string? KeyId);
