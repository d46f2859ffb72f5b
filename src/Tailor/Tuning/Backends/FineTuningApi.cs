using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Tailor.Providers;
using Tailor.Providers.OpenAI;

namespace Tailor.Tuning.Backends;

/// <summary>
/// The HTTP conversation with a vendor's files and fine-tuning endpoints: JSON requests and multipart uploads with a
/// per-request timeout, retries on 408/429/5xx and broken connections that honour <c>Retry-After</c>, and failures
/// turned into <see cref="TuningException"/>s that quote the vendor's message and never carry the key.
/// </summary>
/// <remarks>Thread-safe; one per job endpoint (API root and key).</remarks>
internal sealed class FineTuningApi
{
    private readonly string _vendor;
    private readonly Uri _baseUri;
    private readonly string _keyVariable;
    private readonly string _key;
    private readonly HostedTuningOptions _options;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retries;

    public FineTuningApi(string vendor, Uri? baseUri, string? keyVariable, HostedTuningOptions options)
    {
        _vendor = vendor;
        _options = options;
        var root = baseUri ?? options.DefaultBaseUri;
        _baseUri = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _keyVariable = keyVariable ?? options.DefaultKeyVariable;
        _key = options.GetEnvironmentVariable(_keyVariable)?.Trim() is { Length: > 0 } key
            ? key
            : throw new TuningException($"{_keyVariable} is not set", $"export {_keyVariable}=<your {vendor} API key>; keys are read from the environment, never from files");
        _http = new HttpClient(options.HttpHandler ?? SharedHttpHandlers.ForConnectTimeout(TimeSpan.FromSeconds(10)), disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _retries = VendorRetries.Create(options.MaxRetries, options.RetryBaseDelay, TimeSpan.FromSeconds(60), options.TimeProvider);
    }

    public Uri BaseUri => _baseUri;

    public string KeyVariable => _keyVariable;

    /// <summary>GETs <paramref name="path"/> (relative to the API root) as JSON.</summary>
    public Task<JsonNode> GetAsync(string path, string what, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, () => null, what, cancellationToken);

    /// <summary>POSTs <paramref name="body"/> (or nothing) as JSON.</summary>
    public Task<JsonNode> PostAsync(string path, JsonNode? body, string what, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, () => body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), what, cancellationToken);

    public Task<JsonNode> DeleteAsync(string path, string what, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, () => null, what, cancellationToken);

    /// <summary>Uploads <paramref name="file"/> to <c>files</c> with <c>purpose=fine-tune</c>; returns the vendor's file object.</summary>
    public Task<JsonNode> UploadAsync(string file, string fileName, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "files", () =>
        {
            var form = new MultipartFormDataContent();
            form.Add(new StringContent("fine-tune"), "purpose");
            var content = new StreamContent(File.OpenRead(file));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(content, "file", fileName);
            return form;
        }, $"the upload of {fileName}", cancellationToken);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, Func<HttpContent?> body, string what, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(_baseUri, path);
        int attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _retries.ExecuteAsync(async token =>
            {
                attempts++;
                using var request = new HttpRequestMessage(method, endpoint) { Content = body() };
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
                using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
                try
                {
                    return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
                }
                catch (OperationCanceledException e) when (!token.IsCancellationRequested && timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer within {Durations.Format(_options.RequestTimeout)}", e);
                }
            }, cancellationToken);
        }
        catch (TimeoutException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TuningException($"{_vendor} did not answer {what} at {endpoint} within {Durations.Format(_options.RequestTimeout)} ({Tries(attempts)})",
                "the service may be overloaded; try again later", isInputError: false, innerException: e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TuningException($"could not reach {endpoint} ({Tries(attempts)}): {e.Message}",
                "check the network and the API root (--base-url, or base_url of the model alias)", isInputError: false, innerException: e);
        }

        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw Refused((int)response.StatusCode, ErrorBody.Parse(text, response.Content.Headers.ContentType?.MediaType), what, endpoint, attempts);
            }

            try
            {
                return JsonNode.Parse(text.Length == 0 ? "{}" : text) ?? new JsonObject();
            }
            catch (JsonException e)
            {
                throw new TuningException($"the answer of {endpoint} to {what} is not JSON", "check the API root: it should be the vendor's, ending in /v1",
                    isInputError: false, innerException: e);
            }
        }
    }

    private TuningException Refused(int status, ErrorBody body, string what, Uri endpoint, int attempts)
    {
        string detail = body.Message is { Length: > 0 } m ? ": " + Redact(m) : "";
        string param = body.Param is { } p ? $" [param: {p}]" : "";
        return status switch
        {
            401 or 403 => new TuningException($"{_vendor} refused the API key in ${_keyVariable} (HTTP {status}{detail})",
                $"check that {_keyVariable} holds a current key with fine-tuning access", statusCode: status),
            404 => new TuningException($"{_vendor} found nothing for {what} at {endpoint} (HTTP 404{detail})",
                "check the id; the job or file may have been deleted, or the API root is wrong", statusCode: status),
            429 => new TuningException($"{_vendor} is rate-limiting {what} (HTTP 429{detail}); gave up after {Tries(attempts)}",
                "wait and try again, or check your quota", isInputError: false, statusCode: status),
            >= 500 => new TuningException($"{_vendor} failed {what} with HTTP {status}{detail} ({Tries(attempts)})",
                "the service had a problem on its side; try again later", isInputError: false, statusCode: status),
            _ => new TuningException($"{_vendor} rejected {what} (HTTP {status}{detail}){param}",
                "the message above is the vendor's own: fix the named option or data and start again", statusCode: status),
        };
    }

    private string Redact(string text) => text.Replace(_key, "[redacted]", StringComparison.Ordinal);

    private static string Tries(int attempts) => attempts == 1 ? "1 attempt" : $"{attempts} attempts";
}
