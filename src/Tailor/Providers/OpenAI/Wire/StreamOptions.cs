namespace Tailor.Providers.OpenAI.Wire;

/// <summary><c>stream_options</c>: with <see cref="IncludeUsage"/> the server sends a last chunk with token usage and no choices.</summary>
public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}
