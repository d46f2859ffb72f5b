namespace Tailor.Local.Gguf;

/// <summary>A file is not valid GGUF, or uses something this reader does not support; the message names the file and the offset.</summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException() : this("Not a valid GGUF file.") { }

    public GgufFormatException(string message) : base(message) { }

    public GgufFormatException(string message, Exception innerException) : base(message, innerException) { }
}
