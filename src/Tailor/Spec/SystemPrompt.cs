using System.Security.Cryptography;
using System.Text;

namespace Tailor.Spec;

/// <summary>
/// A rendered system prompt and its version. The version is the prompt's content hash, so the
/// same text always has the same version wherever it is rendered, and it is recorded with every use.
/// </summary>
/// <param name="Id">The prompt id in <c>tailor.yaml</c> (or any name the caller gives an ad-hoc prompt).</param>
/// <param name="Text">The exact text the model sees.</param>
/// <param name="Version">The first 12 lowercase hex characters of SHA-256 over the UTF-8 bytes of <paramref name="Text"/>.</param>
public sealed record SystemPrompt(string Id, string Text, string Version)
{
    /// <summary>Builds a prompt whose <see cref="Version"/> is computed from <paramref name="text"/>.</summary>
    public static SystemPrompt FromText(string id, string text)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new SystemPrompt(id, text, Convert.ToHexStringLower(hash)[..12]);
    }
}
