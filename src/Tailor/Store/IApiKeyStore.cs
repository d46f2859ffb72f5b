namespace Tailor.Store;

/// <summary>The gateway's API keys. Usage (<see cref="ApiKeyRecord.TokensUsed"/>) is added when interactions are recorded.</summary>
/// <remarks>Thread-safe.</remarks>
public interface IApiKeyStore
{
    Task AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>All keys, newest first, revoked ones included.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks the key revoked at <paramref name="at"/>; false when there is no such key or it was already revoked.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}
