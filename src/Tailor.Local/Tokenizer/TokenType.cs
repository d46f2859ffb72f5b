namespace Tailor.Local.Tokenizer;

/// <summary>Token types as GGUF stores them in <c>tokenizer.ggml.token_type</c>.</summary>
public enum TokenType
{
    Undefined = 0,
    /// <summary>A text piece; <c>▁</c> stands for a space.</summary>
    Normal = 1,
    /// <summary>The <c>&lt;unk&gt;</c> token.</summary>
    Unknown = 2,
    /// <summary>Structure (<c>&lt;s&gt;</c>, <c>&lt;|im_end|&gt;</c>): matched in text only when parsing specials, invisible when decoding plain text.</summary>
    Control = 3,
    /// <summary>Always matched in text, decoded verbatim.</summary>
    UserDefined = 4,
    Unused = 5,
    /// <summary>One raw byte, named <c>&lt;0xAB&gt;</c>: the fallback for text no piece covers.</summary>
    Byte = 6,
}
