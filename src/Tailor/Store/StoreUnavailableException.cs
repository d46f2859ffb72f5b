namespace Tailor.Store;

/// <summary>
/// The database could not be reached or refused to work (connection refused, pool exhausted, disk full).
/// The gateway answers 503 for it, never 401 or 404: the request may be fine, the store is not.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException() : this("The interaction store is unavailable.") { }

    public StoreUnavailableException(string message) : base(message) { }

    public StoreUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
