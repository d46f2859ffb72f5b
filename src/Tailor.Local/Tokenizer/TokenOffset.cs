namespace Tailor.Local.Tokenizer;

/// <summary>The characters of the input a token came from (UTF-16 indexes). A byte-fallback token spans its whole character; an added BOS or space prefix spans nothing.</summary>
public readonly record struct TokenOffset(int Start, int Length)
{
    public int End => Start + Length;
}
