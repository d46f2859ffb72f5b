using System.Security.Cryptography;
using System.Text;

namespace Tailor.Spec;

/// <summary>A rendered system prompt and its version: the content hash recorded with every use.</summary>
public sealed record SystemPrompt(string Id, string Text, string Version)
{
    public static SystemPrompt FromText(string id, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new SystemPrompt(id, text, Convert.ToHexStringLower(hash)[..12]);
    }
}
