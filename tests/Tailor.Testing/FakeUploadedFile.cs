namespace Tailor.Testing;

/// <summary>A file uploaded to a fake fine-tuning server, as received.</summary>
public sealed record FakeUploadedFile(string Id, string FileName, string Purpose, string Content, DateTimeOffset CreatedAt)
{
    public long Bytes => System.Text.Encoding.UTF8.GetByteCount(Content);

    /// <summary>Non-blank lines.</summary>
    public int Lines => Content.Split('\n').Count(l => l.Trim().Length > 0);

    /// <summary>Whitespace-separated words of the file: the fakes' stand-in for a tokenizer.</summary>
    public long Words => Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).LongLength;
}
