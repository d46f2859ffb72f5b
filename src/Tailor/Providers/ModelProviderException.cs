namespace Tailor.Providers;

/// <summary>A model provider refused or failed a request, with what to do about it.</summary>
public sealed class ModelProviderException : Exception
{
    public ModelProviderException(string message, string? hint = null, int? statusCode = null, string? provider = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Hint = hint;
        StatusCode = statusCode;
        Provider = provider;
    }

    public ModelProviderException() : this("The model provider failed.") { }

    public ModelProviderException(string message) : this(message, hint: null) { }

    public ModelProviderException(string message, Exception innerException) : this(message, null, null, null, innerException) { }

    /// <summary>How to fix it, in one sentence: "set MISTRAL_API_KEY", "check the model id", ...</summary>
    public string? Hint { get; }

    /// <summary>HTTP status of the provider's answer, when there was one.</summary>
    public int? StatusCode { get; }

    public string? Provider { get; }

    /// <summary>How many times the request was sent before giving up, when it was sent at all.</summary>
    public int? Attempts { get; init; }
}
