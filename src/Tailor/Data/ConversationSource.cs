namespace Tailor.Data;

/// <summary>
/// Where an example came from, kept through every stage so a trained model can be traced back to
/// the file line or the logged interaction that taught it something.
/// </summary>
/// <param name="File">The file it was read from (as given by the user); null when it came from elsewhere.</param>
/// <param name="Line">1-based line in <paramref name="File"/>; 0 when unknown.</param>
/// <param name="InteractionId">The interaction in the store it was exported from, if any.</param>
public sealed record ConversationSource(string? File, long Line, string? InteractionId = null)
{
    /// <summary>Format the example was read in, when read from a file.</summary>
    public DatasetFormat? Format { get; init; }

    /// <summary>Model that produced the assistant answer, for exported interactions.</summary>
    public string? Model { get; init; }

    /// <summary>Gateway route or alias of an exported interaction.</summary>
    public string? Route { get; init; }

    /// <summary>System prompt version (content hash) of an exported interaction.</summary>
    public string? PromptVersion { get; init; }

    public override string ToString() =>
        InteractionId is not null ? $"interaction {InteractionId}" : File is null ? "(unknown)" : Line > 0 ? $"{File}:{Line}" : File;
}
