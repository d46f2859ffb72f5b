namespace Tailor.Data.Pii;

/// <summary>Personal data or a secret found in one message of an example.</summary>
/// <param name="Line">1-based line of the example.</param>
/// <param name="Field">Where: <c>messages[2].content</c>, <c>system_prompt</c> or <c>text</c>.</param>
/// <param name="Category">Canonical category (<c>privacy</c>, <c>secrets</c>).</param>
/// <param name="Label">What exactly (<c>email</c>, <c>payment_card</c>, ...); the category when the classifier gives no span.</param>
/// <param name="Start">Offset in the field's text (UTF-16), or -1 when the classifier scored the whole text.</param>
/// <param name="Length">Length of the span; 0 without a span.</param>
/// <param name="Classifier">The classifier that found it.</param>
public sealed record PiiFinding(long Line, string Field, string Category, string Label, int Start, int Length, string Classifier);
