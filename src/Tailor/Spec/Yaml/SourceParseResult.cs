namespace Tailor.Spec.Yaml;

/// <summary>A problem found while reading YAML text, in plain words.</summary>
internal sealed record YamlProblem(SourceMark At, string Message, string? Hint);

/// <summary>
/// The outcome of <see cref="SourceDocumentReader.Read"/>: the root node (null when the text holds
/// no document or does not parse) and the problems met on the way.
/// </summary>
internal sealed record SourceParseResult(SourceNode? Root, IReadOnlyList<YamlProblem> Problems)
{
    /// <summary>The text parsed but holds nothing: empty, only comments, or a bare <c>---</c>.</summary>
    public bool IsEmpty => Problems.Count == 0 && (Root is null || Root is SourceScalar { IsNull: true });
}
