using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// The <c>content</c> of a message: on the wire either a plain string or an array of typed parts
/// (text, image_url, ...). Exactly one of <see cref="Text"/> and <see cref="Parts"/> is set.
/// </summary>
/// <remarks>Immutable; safe to share.</remarks>
[JsonConverter(typeof(MessageContentJsonConverter))]
public sealed class MessageContent
{
    private MessageContent(string? text, IReadOnlyList<ContentPart>? parts)
    {
        Text = text;
        Parts = parts;
    }

    /// <summary>The content when it was (or will be) written as a string.</summary>
    public string? Text { get; }

    /// <summary>The content when it was (or will be) written as an array of parts.</summary>
    public IReadOnlyList<ContentPart>? Parts { get; }

    public static MessageContent FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(text, null);
    }

    public static MessageContent FromParts(IReadOnlyList<ContentPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new(null, parts);
    }

    public static implicit operator MessageContent(string text) => FromText(text);

    /// <summary>The text of the content: the string, or the text parts concatenated.</summary>
    public string GetText()
    {
        if (Text is not null)
        {
            return Text;
        }

        var builder = new StringBuilder();
        foreach (var part in Parts!)
        {
            if (part.Text is not null)
            {
                builder.Append(part.Text);
            }
        }

        return builder.ToString();
    }
}

/// <summary>Reads a string or an array of parts; writes whichever form the value holds.</summary>
internal sealed class MessageContentJsonConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return MessageContent.FromText(reader.GetString()!);
            case JsonTokenType.StartArray:
                var parts = JsonSerializer.Deserialize(ref reader, PartsTypeInfo(options)) ?? [];
                return MessageContent.FromParts(parts);
            default:
                throw new JsonException($"message content must be a string or an array of parts, not {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Text is not null)
        {
            writer.WriteStringValue(value.Text);
        }
        else
        {
            JsonSerializer.Serialize(writer, value.Parts!.ToList(), PartsTypeInfo(options));
        }
    }

    private static JsonTypeInfo<List<ContentPart>> PartsTypeInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<List<ContentPart>>)options.GetTypeInfo(typeof(List<ContentPart>));
}
