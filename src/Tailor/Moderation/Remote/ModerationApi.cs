using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Tailor.Providers;
using Tailor.Providers.OpenAI;

namespace Tailor.Moderation.Remote;

/// <summary>
/// POSTs JSON to a vendor's moderation endpoint with a per-attempt timeout and retries (honouring <c>Retry-After</c>);
/// failures become <see cref="ModelProviderException"/>s that say what to fix and never carry the key.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class ModerationApi
{
    private readonly string _provider;
    private readonly Uri _baseUri;
    private readonly RemoteModerationOptions _options;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retries;

    public ModerationApi(string provider, Uri defaultBaseUri, RemoteModerationOptions options)
    {
        _provider = provider;
        _options = options;
        var root = options.BaseUri ?? defaultBaseUri;
        _baseUri = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _http = new HttpClient(options.HttpHandler ?? SharedHttpHandlers.ForConnectTimeout(TimeSpan.FromSeconds(10)), disposeHandler: false)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _retries = VendorRetries.Create(options.MaxRetries, options.RetryBaseDelay, TimeSpan.FromSeconds(30), options.TimeProvider);
    }

    public Uri BaseUri => _baseUri;

    public async Task<JsonDocument> PostAsync(string path, byte[] body, string model, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(_baseUri, path);
        var errors = new ProviderErrors(_provider, _baseUri, endpoint, _options.ApiKeyVariable, _options.ApiKey);
        int attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _retries.ExecuteAsync(async token =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (!string.IsNullOrEmpty(_options.ApiKey))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                }
                using var timeout = new CancellationTokenSource(_options.Timeout, _options.TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
                try
                {
                    return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!token.IsCancellationRequested && timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer within {Durations.Format(_options.Timeout)}", e);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw errors.NoResponse(_options.Timeout, attempts, e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw errors.ConnectionFailed(e, attempts);
        }

        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!response.IsSuccessStatusCode)
            {
                throw errors.FromStatus((int)response.StatusCode, ErrorBody.Parse(text, mediaType), model, attempts);
            }
            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new ModelProviderException(
                    $"the answer from {endpoint} is not JSON ({mediaType ?? "no content type"})",
                    "check base_url: it should be the vendor's API root, ending in /v1", provider: _provider, innerException: e);
            }
        }
    }
}
