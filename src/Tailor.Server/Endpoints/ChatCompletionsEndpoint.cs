using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Tailor.Chat;
using Tailor.Gateway.Routing;
using Tailor.Providers;
using Tailor.Providers.OpenAI.Mapping;
using Tailor.Providers.OpenAI.Wire;
using Tailor.Server.Http;
using Tailor.Store;

namespace Tailor.Server.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c>: key, limits, body, route, admission to the log; then the route's pipeline answers,
/// as one JSON document or as a stream, and the response completes only after its interaction record is committed.
/// The record's id is sent in the <c>x-tailor-interaction-id</c> header (and is the tail of the completion's <c>id</c>)
/// so the client can send feedback on it.
/// </summary>
internal static class ChatCompletionsEndpoint
{
    public const string InteractionIdHeader = "x-tailor-interaction-id";
    public const string SessionHeader = "x-tailor-session-id";

    public static async Task HandleAsync(HttpContext http, GatewayServices services)
    {
        long started = services.Time.GetTimestamp();
        var (key, refused) = await KeyGate.CheckAsync(http, services);
        if (refused)
        {
            return;
        }

        if (key is not null && await services.Limits.TryAdmitAsync(key, http.RequestAborted) is { } limit)
        {
            services.Telemetry.RecordRefused(limit.Code);
            await OpenAIErrors.WriteAsync(http, StatusCodes.Status429TooManyRequests, limit.Message,
                limit.Code == "insufficient_quota" ? "insufficient_quota" : "requests", code: limit.Code, retryAfter: limit.RetryAfter);
            return;
        }

        var (request, problem) = await ChatRequestReader.ReadAsync(http);
        if (problem is not null || request is null)
        {
            services.Telemetry.RecordRefused("bad_request");
            await OpenAIErrors.WriteAsync(http, problem!.Status, problem.Message, "invalid_request_error", problem.Param, problem.Code);
            return;
        }

        if (!services.RouteClients.TryGetValue(request.Model!, out var client))
        {
            services.Telemetry.RecordRefused("unknown_model");
            await OpenAIErrors.WriteAsync(http, StatusCodes.Status404NotFound,
                $"The model `{request.Model}` does not exist on this gateway. Available: {string.Join(", ", services.Routes.Names)}.",
                "invalid_request_error", "model", "model_not_found");
            return;
        }

        if (!services.Log.HasRoom)
        {
            // The log is behind; taking more work would mean dropping records or waiting without bound.
            services.Telemetry.RecordRefused("log_full");
            await OpenAIErrors.WriteAsync(http, StatusCodes.Status503ServiceUnavailable,
                "The gateway is busy writing its interaction log; retry shortly.", "server_error", code: "log_backpressure", retryAfter: TimeSpan.FromSeconds(1));
            return;
        }

        string route = request.Model!;
        var context = new InteractionContext
        {
            Id = services.Ids.Next(),
            Source = "gateway",
            Route = route,
            KeyId = key?.Id,
            SessionId = http.Request.Headers[SessionHeader].FirstOrDefault() is { Length: > 0 and <= 200 } session ? session : null,
        };
        var messages = OpenAIRequestMapping.ToChatMessages(request);
        var options = context.AttachToOwn(OpenAIRequestMapping.ToChatOptions(request));
        http.Response.Headers[InteractionIdHeader] = context.Id;

        using var activity = services.Telemetry.ActivitySource.StartActivity($"chat {route}", ActivityKind.Server);
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("gen_ai.request.model", route);
        activity?.SetTag("tailor.interaction.id", context.Id);
        activity?.SetTag("tailor.key.id", key?.Id);

        var outcome = request.Stream == true
            ? await StreamAsync(http, services, client, messages, options, context, request, started)
            : await AnswerAsync(http, services, client, messages, options, context);

        double seconds = services.Time.GetElapsedTime(started).TotalSeconds;
        var target = context.Metadata.TryGetValue(RouteChatClient.MetadataKey, out var decision) && decision is Dictionary<string, object?> d ? d.GetValueOrDefault("target") as string : null;
        activity?.SetTag("tailor.target", target);
        activity?.SetTag("gen_ai.usage.input_tokens", outcome.Usage?.InputTokenCount);
        activity?.SetTag("gen_ai.usage.output_tokens", outcome.Usage?.OutputTokenCount);
        if (outcome.ErrorType is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag("error.type", outcome.ErrorType);
        }

        services.Telemetry.RecordRequest(route, target, context.Provider, outcome.ResponseModel, seconds, outcome.TimeToFirstToken,
            outcome.Usage?.InputTokenCount, outcome.Usage?.OutputTokenCount, outcome.ErrorType);
        if (key is not null)
        {
            services.Limits.Charge(key, (outcome.Usage?.InputTokenCount ?? 0) + (outcome.Usage?.OutputTokenCount ?? 0));
        }
    }

    private static async Task<Outcome> AnswerAsync(HttpContext http, GatewayServices services, IChatClient client,
        List<ChatMessage> messages, ChatOptions options, InteractionContext context)
    {
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(messages, options, http.RequestAborted);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return await FailAsync(http, services, e);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(null, null, null, "cancelled");
        }

        string responseModel = response.ModelId ?? context.Route!;
        var wire = OpenAIResponseMapping.ToChatCompletionResponse(response, CompletionId(context), context.Route, services.Time.GetUtcNow());
        // Clients see the route's public name and our id; the model that answered is in the log.
        wire.Id = CompletionId(context);
        wire.Model = context.Route;
        await JsonResponse.WriteAsync(http, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(wire, OpenAIJsonContext.Default.ChatCompletionResponse));
        return new Outcome(response.Usage, responseModel, null, null);
    }

    private static async Task<Outcome> StreamAsync(HttpContext http, GatewayServices services, IChatClient client,
        List<ChatMessage> messages, ChatOptions options, InteractionContext context, ChatCompletionRequest request, long started)
    {
        var writer = new ChatStreamWriter(http.Response, CompletionId(context), context.Route!, services.Time.GetUtcNow().ToUnixTimeSeconds(),
            request.StreamOptions?.IncludeUsage == true);
        await using var updates = client.GetStreamingResponseAsync(messages, options, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        string? responseModel = null;
        double? ttft = null;

        // The first update decides the status code: until the routing layer releases it, every failure (after all
        // fallbacks) is still an ordinary HTTP error.
        bool any;
        try
        {
            any = await updates.MoveNextAsync();
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            return await FailAsync(http, services, e);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(null, null, null, "cancelled");
        }

        writer.Start();
        try
        {
            while (any)
            {
                responseModel ??= updates.Current.ModelId;
                await writer.WriteAsync(updates.Current, http.RequestAborted);
                if (ttft is null && writer.WroteContent)
                {
                    ttft = services.Time.GetElapsedTime(started).TotalSeconds;
                }

                // When this returns false the recording layer has committed the record: only then is [DONE] sent.
                any = await updates.MoveNextAsync();
            }
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && e is not IOException)
        {
            var (_, message, type, code) = Describe(e);
            await writer.FailAsync(message, type, code, http.RequestAborted);
            return new Outcome(writer.Usage, responseModel, ttft, e.GetType().Name);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away; the recording layer logs the partial answer as cancelled.
            return new Outcome(writer.Usage, responseModel, ttft, "cancelled");
        }

        try
        {
            await writer.FinishAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return new Outcome(writer.Usage, responseModel, ttft, "cancelled");
        }

        return new Outcome(writer.Usage, responseModel, ttft, null);
    }

    private static async Task<Outcome> FailAsync(HttpContext http, GatewayServices services, Exception e)
    {
        var (status, message, type, code) = Describe(e);
        if (status == StatusCodes.Status500InternalServerError)
        {
            Tailor.Gateway.GatewayLog.Unhandled(services.Logger, http.Request.Path, e.GetType().Name, e);
        }

        await OpenAIErrors.WriteAsync(http, status, message, type, code: code,
            retryAfter: status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable ? TimeSpan.FromSeconds(2) : null);
        return new Outcome(null, null, null, e.GetType().Name);
    }

    /// <summary>
    /// What the client is told about a failure. Upstream 429 stays 429; other upstream failures are 502, or 504 when
    /// the model did not answer in time; a refused request passes the model's reason on. Upstream URLs and our own
    /// configuration (a wrong upstream key) are not the client's business and are not shown.
    /// </summary>
    private static (int Status, string Message, string Type, string? Code) Describe(Exception e) => e switch
    {
        StoreUnavailableException => (503, "The gateway's interaction log is unavailable right now; your request was not completed. Retry shortly.", "server_error", "store_unavailable"),
        ModelProviderException { StatusCode: 429 } => (429, "The model behind this route is rate-limited right now; retry shortly.", "rate_limit_error", "upstream_rate_limited"),
        ModelProviderException { StatusCode: 400 or 413 or 422 } p => (400, $"The model refused the request: {p.Message}", "invalid_request_error", "upstream_rejected"),
        ModelProviderException { StatusCode: 401 or 403 or 404 } => (502, "The gateway could not use the model behind this route (its upstream credentials or model id are wrong). The operator has to fix the gateway's configuration.", "server_error", "upstream_misconfigured"),
        ModelProviderException { StatusCode: null } p when p.Message.StartsWith("no response", StringComparison.Ordinal) => (504, "The model behind this route did not answer in time.", "server_error", "upstream_timeout"),
        ModelProviderException p => (502, $"The model behind this route failed{(p.StatusCode is { } s ? $" (HTTP {s})" : "")}.", "server_error", "upstream_error"),
        _ => (500, "The gateway failed to process the request. The error is in its log.", "server_error", "internal_error"),
    };

    private static string CompletionId(InteractionContext context) => "chatcmpl-" + context.Id;

    private sealed record Outcome(UsageDetails? Usage, string? ResponseModel, double? TimeToFirstToken, string? ErrorType);
}
