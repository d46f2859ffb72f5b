using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>One part of an array-valued message content: <c>{"type":"text","text":…}</c> or <c>{"type":"image_url","image_url":{"url":…}}</c>.</summary>
/// <remarks>A plain mutable data object; part kinds not modelled here keep their members in <see cref="AdditionalProperties"/>.</remarks>
public sealed class ContentPart
{
    /// <summary><c>text</c>, <c>image_url</c>, or a vendor part type.</summary>
    public string Type { get; set; } = "text";

    public string? Text { get; set; }

    public ImageUrl? ImageUrl { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    public static ContentPart ForText(string text) => new() { Type = "text", Text = text };

    public static ContentPart ForImage(string url, string? detail = null) => new() { Type = "image_url", ImageUrl = new ImageUrl { Url = url, Detail = detail } };
}

/// <summary>An image reference: an http(s) URL or a <c>data:</c> URI.</summary>
public sealed class ImageUrl
{
    public string Url { get; set; } = "";

    /// <summary><c>low</c>, <c>high</c> or <c>auto</c>.</summary>
    public string? Detail { get; set; }
}
