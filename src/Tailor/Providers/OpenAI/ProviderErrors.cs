using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tailor.Providers.OpenAI;

/// <summary>
/// Every message a remote provider failure turns into, in one place: what happened, where, and what to do.
/// Messages never carry the API key: <see cref="Create"/> scrubs the key and key-shaped fragments vendors echo back.
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
internal sealed partial class ProviderErrors(string provider, Uri baseUri, Uri endpoint, string? apiKeyVariable, string? apiKey)
{
    public ModelProviderException FromStatus(int status, ErrorBody body, string? model, int attempts)
    {
        var detail = body.Message is { Length: > 0 } m ? ": " + m : "";
        var tries = AfterAttempts(attempts);
        return status switch
        {
            401 or 403 when apiKey is not null => Create(
                $"the {provider} API key in ${apiKeyVariable} was refused (HTTP {status}{detail})",
                $"check that {apiKeyVariable} holds a current key with access to this model, e.g. `export {apiKeyVariable}=<key>`; keys are read from the environment, never from tailor.yaml",
                status, attempts),
            401 or 403 => Create(
                $"{baseUri} refused the request without an API key (HTTP {status}{detail})",
                "put the key in an environment variable and name that variable with `api_key_env:` in the model's entry in tailor.yaml",
                status, attempts),
            404 when IsAboutTheModel(body, model) => Create(
                $"model '{model}' not found at {baseUri} (HTTP 404{detail})",
                $"check the model id in tailor.yaml; GET {new Uri(baseUri, "models")} lists the models this server offers",
                status, attempts),
            404 => Create(
                $"nothing answers at {endpoint} (HTTP 404{detail})",
                "check base_url: it should be the API root that ends in /v1, e.g. http://localhost:8080/v1",
                status, attempts),
            400 => Create(
                $"{provider} rejected the request (HTTP 400{detail}){ParamNote(body)}",
                body.Param is { } param
                    ? $"check the value of '{param}', set in the model's options in tailor.yaml or by the caller"
                    : "the message above is the provider's own; check the model options and the conversation sent",
                status, attempts),
            413 => Create(
                $"{provider} refused the request as too large (HTTP 413{detail})",
                "shorten the conversation or the documents in it",
                status, attempts),
            422 => Create(
                $"{provider} could not process the request (HTTP 422{detail}){ParamNote(body)}",
                "the server rejected a member or a value; if it names a member, this provider does not support that option",
                status, attempts),
            429 => Create(
                $"{provider} is rate-limiting requests (HTTP 429{detail}); gave up {tries}",
                "lower the request rate or the concurrency, raise max_retries in the model's options, or check your account's quota",
                status, attempts),
            >= 500 => Create(
                $"{provider} failed with HTTP {status}{detail} {tries}",
                "the service had a problem on its side; try again later",
                status, attempts),
            _ => Create(
                $"{provider} answered HTTP {status}{detail}",
                null,
                status, attempts),
        };
    }

    public ModelProviderException NoResponse(TimeSpan timeout, int attempts, Exception inner) => Create(
        $"no response from {endpoint} within {Durations.Format(timeout)} {AfterAttempts(attempts)}",
        "the server may be overloaded or still loading the model; a non-streamed request waits for the whole answer, " +
        "so raise `timeout` in the model's options in tailor.yaml or use streaming",
        null, attempts, inner);

    public ModelProviderException ConnectionFailed(Exception inner, int attempts) => Create(
        $"could not reach {endpoint} {AfterAttempts(attempts)}: {inner.Message}",
        "check that the server is running and that base_url (host, port, http or https) is right",
        null, attempts, inner);

    public ModelProviderException BodyStalled(TimeSpan timeout, int updates) => Create(
        updates > 0
            ? $"the stream from {endpoint} stalled: no data for {Durations.Format(timeout)} after {updates} updates"
            : $"the answer from {endpoint} stopped arriving: no data for {Durations.Format(timeout)}",
        "the server stopped sending; try again, or raise `timeout` in the model's options if it pauses this long on purpose",
        null, null);

    public ModelProviderException BodyBroken(Exception inner, int updates) => Create(
        $"the connection to {endpoint} broke after {updates} streamed updates: {inner.Message}",
        "the server closed the stream early (crash, restart or proxy timeout); the partial answer above is incomplete",
        null, null, inner);

    public ModelProviderException StreamEndedEarly(int updates) => Create(
        $"the stream from {endpoint} ended after {updates} updates without finishing the answer",
        "the server closed the stream before its final chunk; the partial answer is incomplete",
        null, null);

    public ModelProviderException StreamReportedError(JsonElement error, int updates) => Create(
        $"{provider} reported an error in the stream after {updates} updates: {ErrorBody.FromJson(error).Message}",
        "the generation failed on the server's side; try again",
        null, null);

    public ModelProviderException UnreadableBody(string what, string? mediaType, Exception? inner) => Create(
        $"the answer from {endpoint} is not a chat completion ({mediaType ?? "no content type"}): {what}",
        "check base_url: it should be the root of an OpenAI-compatible API, ending in /v1",
        null, null, inner);

    private static bool IsAboutTheModel(ErrorBody body, string? model) =>
        body.Code is "model_not_found"
        || (model is not null && body.Message?.Contains(model, StringComparison.OrdinalIgnoreCase) == true)
        || body.Message?.Contains("model", StringComparison.OrdinalIgnoreCase) == true;

    private static string ParamNote(ErrorBody body) => body.Param is { } param ? $" [param: {param}]" : "";

    private static string AfterAttempts(int attempts) => attempts == 1 ? "after 1 attempt" : $"after {attempts} attempts";

    private ModelProviderException Create(string message, string? hint, int? status, int? attempts, Exception? inner = null) =>
        new(Redact(message), hint is null ? null : Redact(hint), status, provider, inner) { Attempts = attempts };

    private string Redact(string text)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            text = text.Replace(apiKey, "[redacted]", StringComparison.Ordinal);
        }

        // Vendors echo masked keys ("Incorrect API key provided: sk-abc1****xyz9"); even a fragment stays out of our messages.
        return KeyFragmentPattern().Replace(text, "[redacted]");
    }

    [GeneratedRegex(@"\b(?:sk|pk|key|api[_-]?key)[-_][A-Za-z0-9*_\-.]{4,}|\S*\*{4,}\S*", RegexOptions.IgnoreCase)]
    private static partial Regex KeyFragmentPattern();
}
