namespace Tailor.Providers.OpenAI.Wire;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed class ErrorResponse
{
    public ErrorDetail Error { get; set; } = new();
}

/// <summary>What went wrong, in the vendor's words.</summary>
public sealed class ErrorDetail
{
    public string Message { get; set; } = "";

    /// <summary><c>invalid_request_error</c>, <c>authentication_error</c>, <c>rate_limit_error</c>, <c>server_error</c>, …</summary>
    public string? Type { get; set; }

    /// <summary>The request member at fault, when one is.</summary>
    public string? Param { get; set; }

    /// <summary>A machine-readable code such as <c>model_not_found</c>.</summary>
    public string? Code { get; set; }
}
