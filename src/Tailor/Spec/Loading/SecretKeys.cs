namespace Tailor.Spec.Loading;

/// <summary>
/// Keys that would put a secret in tailor.yaml, which lives in the repository. They are rejected
/// with the way to do it right; the value is never echoed in the message.
/// </summary>
internal static class SecretKeys
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "api_key", "apikey", "api-key", "key", "token", "access_token", "auth_token", "bearer",
        "secret", "password", "authorization",
    };

    private static readonly HashSet<string> ConnectionStrings = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection_string", "connectionstring", "connection-string", "password", "url", "dsn",
    };

    /// <summary>Advice for a model's <paramref name="key"/> when it is a secret; <paramref name="suggestedVariable"/> is offered in the hint.</summary>
    public static KeyAdvice? ForModel(string key, string suggestedVariable) =>
        Names.Contains(key)
            ? new KeyAdvice($"'{key}' puts a secret in tailor.yaml, which is meant to be committed",
                $"keys are read from environment variables only: set api_key_env: {suggestedVariable} and export {suggestedVariable}")
            : null;

    public static KeyAdvice? ForStore(string key) =>
        ConnectionStrings.Contains(key)
            ? new KeyAdvice($"'{key}' puts a connection string (and its password) in tailor.yaml",
                "connection strings are read from environment variables only: set connection_string_env: TAILOR_POSTGRES")
            : null;
}
