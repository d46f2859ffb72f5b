using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tailor.Server.Http;
using Tailor.Store;

namespace Tailor.Server.Endpoints;

/// <summary>
/// <c>POST /v1/feedback</c>: <c>{"interaction_id", "thumbs": "up"|"down", "score": 1-5, "comment", "correction", "rater"}</c>
/// (at least one of thumbs, score, comment, correction). <c>interaction_id</c> is the <c>x-tailor-interaction-id</c> header
/// of the answer, or the completion's <c>id</c>. A key may only rate interactions it made; another key's interaction
/// is "not found", so ids cannot be probed.
/// </summary>
internal static class FeedbackEndpoint
{
    private const int MaxText = 32_000;

    public static async Task HandleAsync(HttpContext http, GatewayServices services)
    {
        var (key, refused) = await KeyGate.CheckAsync(http, services);
        if (refused)
        {
            return;
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            await OpenAIErrors.BadRequest(http, $"We could not parse the JSON body of your request: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ')}.", null);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await OpenAIErrors.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "The request body is larger than this gateway accepts.", "invalid_request_error", code: "request_too_large");
            return;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            await OpenAIErrors.BadRequest(http, "The body must be a JSON object with 'interaction_id' and thumbs, score, comment or correction.", null);
            return;
        }

        var (feedback, problem) = Read(body, key?.Id, services);
        if (problem is not null)
        {
            await OpenAIErrors.BadRequest(http, problem.Message, problem.Param);
            return;
        }

        try
        {
            // Off the I/O thread (inline scheduling): a store write may wait for the database's write lock.
            await Task.Yield();
            var interaction = await services.Store.GetAsync(feedback!.InteractionId, http.RequestAborted);
            if (interaction is null || (services.Options.RequireKeys && interaction.KeyId != key?.Id))
            {
                await OpenAIErrors.WriteAsync(http, StatusCodes.Status404NotFound,
                    $"No interaction '{feedback.InteractionId}' made with this key. Use the x-tailor-interaction-id header of the answer you rate.",
                    "invalid_request_error", "interaction_id", "interaction_not_found");
                return;
            }

            await services.Store.AddFeedbackAsync(feedback, http.RequestAborted);
        }
        catch (StoreUnavailableException)
        {
            await OpenAIErrors.StoreUnavailable(http, "feedback store");
            return;
        }

        await JsonResponse.WriteAsync(http, StatusCodes.Status201Created, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", feedback.Id);
            writer.WriteString("object", "feedback");
            writer.WriteString("interaction_id", feedback.InteractionId);
            writer.WriteEndObject();
        });
    }

    private static (Feedback? Feedback, RequestProblem? Problem) Read(JsonElement body, string? keyId, GatewayServices services)
    {
        string? Text(string name, out RequestProblem? problem)
        {
            problem = null;
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                problem = new RequestProblem($"'{name}' must be a string.", name);
                return null;
            }

            string text = value.GetString()!;
            if (text.Length > MaxText)
            {
                problem = new RequestProblem(string.Create(CultureInfo.InvariantCulture, $"'{name}' is longer than {MaxText} characters."), name);
                return null;
            }

            return text;
        }

        string? id = Text("interaction_id", out var problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            return (null, new RequestProblem("'interaction_id' is required: the x-tailor-interaction-id header of the answer you rate.", "interaction_id"));
        }

        if (id.StartsWith("chatcmpl-", StringComparison.Ordinal))
        {
            id = id["chatcmpl-".Length..];
        }

        int? thumbs = null;
        if (body.TryGetProperty("thumbs", out var thumbsValue) && thumbsValue.ValueKind != JsonValueKind.Null)
        {
            thumbs = thumbsValue.ValueKind switch
            {
                JsonValueKind.String when thumbsValue.GetString() is "up" => 1,
                JsonValueKind.String when thumbsValue.GetString() is "down" => -1,
                JsonValueKind.Number when thumbsValue.TryGetInt32(out int t) && t is 1 or -1 => t,
                JsonValueKind.True => 1,
                JsonValueKind.False => -1,
                _ => 0,
            };
            if (thumbs == 0)
            {
                return (null, new RequestProblem("'thumbs' must be \"up\" or \"down\" (or 1 / -1).", "thumbs"));
            }
        }

        int? score = null;
        if (body.TryGetProperty("score", out var scoreValue) && scoreValue.ValueKind != JsonValueKind.Null)
        {
            if (scoreValue.ValueKind != JsonValueKind.Number || !scoreValue.TryGetInt32(out int s) || s is < 1 or > 5)
            {
                return (null, new RequestProblem("'score' must be a whole number from 1 to 5.", "score"));
            }

            score = s;
        }

        string? comment = Text("comment", out problem);
        string? correction = problem is null ? Text("correction", out problem) : null;
        string? rater = problem is null ? Text("rater", out problem) : null;
        if (problem is not null)
        {
            return (null, problem);
        }

        if (thumbs is null && score is null && comment is null && correction is null)
        {
            return (null, new RequestProblem("Feedback needs at least one of 'thumbs', 'score', 'comment' or 'correction'.", null));
        }

        return (new Feedback
        {
            Id = services.Ids.Next(),
            InteractionId = id,
            CreatedAt = services.Time.GetUtcNow(),
            Thumbs = thumbs,
            Score = score,
            Comment = comment,
            Correction = correction,
            Rater = rater,
            KeyId = keyId,
        }, null);
    }
}
