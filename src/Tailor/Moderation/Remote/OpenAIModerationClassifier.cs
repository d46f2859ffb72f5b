using System.Text.Json;
using Tailor.Moderation.Taxonomy;

namespace Tailor.Moderation.Remote;

/// <summary>
/// OpenAI's moderation API as a classifier (<c>type: openai</c>): <c>POST /v1/moderations</c> with
/// <c>{"model", "input": text}</c>; its 13 categories' scores and booleans are mapped through <see cref="Crosswalks.OpenAI"/>.
/// </summary>
/// <remarks>Thread-safe. Failures throw <see cref="Providers.ModelProviderException"/>; the moderation layer records them.</remarks>
public sealed class OpenAIModerationClassifier : IModerationClassifier
{
    public const string DefaultModel = "omni-moderation-latest";
    public static readonly Uri DefaultBaseUri = new("https://api.openai.com/v1/");

    private readonly ModerationApi _api;
    private readonly string _model;

    public OpenAIModerationClassifier(RemoteModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _api = new ModerationApi("openai", DefaultBaseUri, options);
        _model = options.Model ?? DefaultModel;
    }

    /// <inheritdoc />
    public string Name => "openai";

    /// <inheritdoc />
    public async ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", _model);
            json.WriteString("input", request.Text);
            json.WriteEndObject();
        }
        using var document = await _api.PostAsync("moderations", buffer.ToArray(), _model, cancellationToken).ConfigureAwait(false);
        return VendorResults.Read(document, Name, Crosswalks.OpenAI, "openai");
    }
}
