using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Moderation.Taxonomy;

namespace Tailor.Moderation.Remote;

/// <summary>
/// Mistral's moderation API as a classifier (<c>type: mistral</c>): a text alone goes to <c>POST /v1/moderations</c>
/// (<c>{"model", "input": [text]}</c>); a text with its conversation goes to <c>POST /v1/chat/moderations</c>
/// (<c>{"model", "input": [messages]}</c>), which judges the last turn in context. Scores and Mistral's own booleans
/// (its calibrated thresholds) are mapped through <see cref="Crosswalks.Mistral"/> (2411 and 2603 keys).
/// </summary>
/// <remarks>Thread-safe. Failures throw <see cref="Providers.ModelProviderException"/>; the moderation layer records them.</remarks>
public sealed class MistralModerationClassifier : IModerationClassifier
{
    public const string DefaultModel = "mistral-moderation-latest";
    public static readonly Uri DefaultBaseUri = new("https://api.mistral.ai/v1/");

    private readonly ModerationApi _api;
    private readonly string _model;

    public MistralModerationClassifier(RemoteModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _api = new ModerationApi("mistral", DefaultBaseUri, options);
        _model = options.Model ?? DefaultModel;
    }

    /// <inheritdoc />
    public string Name => "mistral";

    /// <summary>Send the conversation to the chat endpoint when the request carries one; off sends the text alone.</summary>
    public bool UseConversation { get; init; } = true;

    /// <inheritdoc />
    public async ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool chat = UseConversation && request.Context is { Count: > 0 };
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", _model);
            json.WriteStartArray("input");
            if (chat)
            {
                foreach (var message in request.Context!.Where(m => (m.Role == ChatRole.User || m.Role == ChatRole.Assistant) && m.Text.Length > 0))
                {
                    WriteMessage(json, message.Role == ChatRole.User ? "user" : "assistant", message.Text);
                }
                WriteMessage(json, request.Direction == ModerationDirection.Input ? "user" : "assistant", request.Text);
            }
            else
            {
                json.WriteStringValue(request.Text);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var document = await _api.PostAsync(chat ? "chat/moderations" : "moderations", buffer.ToArray(), _model, cancellationToken).ConfigureAwait(false);
        return VendorResults.Read(document, Name, Crosswalks.Mistral, "mistral");
    }

    private static void WriteMessage(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
