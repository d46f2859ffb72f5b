namespace Tailor.Data.Tokens;

/// <summary>Tokens of one example as a trainer sees it: all of them, and those loss is computed on.</summary>
/// <param name="Total">Every token of the formatted example (template markers included).</param>
/// <param name="Trained">Tokens of the messages trained on (assistant messages with weight 1; all of a text).</param>
public readonly record struct TokenCount(int Total, int Trained);
