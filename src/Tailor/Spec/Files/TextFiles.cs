using System.Buffers;
using System.Text.Unicode;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Files;

/// <summary>Why a text file could not be read, in words for the user; <see cref="At"/> is null for the whole file.</summary>
internal sealed record FileProblem(string Message, string? Hint, SourceMark? At = null);

/// <summary>
/// Reads the small text files a spec is made of (tailor.yaml, prompts, suites) as strict UTF-8:
/// an invalid byte is reported with its line and column instead of becoming U+FFFD.
/// </summary>
internal static class TextFiles
{
    public static bool TryReadUtf8(string path, out string text, out FileProblem? problem)
    {
        text = "";
        problem = null;
        byte[] bytes;
        try
        {
            if (Directory.Exists(path))
            {
                problem = new FileProblem("this is a directory, not a file", null);
                return false;
            }

            if (!File.Exists(path))
            {
                problem = new FileProblem("file not found", null);
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = new FileProblem($"cannot read the file: {ex.Message}", null);
            return false;
        }

        return TryDecode(bytes, out text, out problem);
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text, out FileProblem? problem)
    {
        text = "";
        problem = null;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            problem = new FileProblem("the file is UTF-16 encoded", "save it as UTF-8");
            return false;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            OperationStatus status = Utf8.ToUtf16(bytes, chars, out int bytesRead, out int charsWritten, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                SourceMark at = PositionAfter(chars.AsSpan(0, charsWritten));
                problem = new FileProblem(
                    $"the file is not valid UTF-8: byte 0x{bytes[bytesRead]:X2} does not start a character",
                    "save the file as UTF-8",
                    at);
                return false;
            }

            text = new string(chars, 0, charsWritten);
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The position just past <paramref name="decoded"/>: where the next character would be.</summary>
    private static SourceMark PositionAfter(ReadOnlySpan<char> decoded)
    {
        int lastNewline = decoded.LastIndexOf('\n');
        int line = decoded.Count('\n') + 1;
        return new SourceMark(line, decoded.Length - lastNewline);
    }
}
