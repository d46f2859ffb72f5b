using System.Text;
using Tailor.Store;

namespace Tailor.Tuning;

/// <summary>
/// The ids of jobs and models: jobs are <c>ft-</c> + a ULID (sorted by creation), models a readable slug of their name
/// plus six characters of a ULID's random part (<c>support-bot-k3f9qa</c>), short enough to type.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class TuningIds(UlidGenerator ulids)
{
    private const int SlugLength = 40;

    public string NewJobId() => "ft-" + ulids.Next();

    /// <summary>A model id from <paramref name="name"/> (a suffix, a base model id or file).</summary>
    public string NewModelId(string name) => $"{Slug(name)}-{ulids.Next()[^6..].ToLowerInvariant()}";

    /// <summary>Lowercase letters, digits, '.', '-' and '_' only (a spec id's alphabet); runs of anything else become '-'.</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string stem = Path.GetFileNameWithoutExtension(name.Replace('\\', '/').Split('/')[^1]);
        var slug = new StringBuilder(stem.Length);
        foreach (char c in stem.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        string text = slug.ToString().Trim('-', '.', '_');
        if (text.Length > SlugLength)
        {
            text = text[..SlugLength].TrimEnd('-', '.', '_');
        }

        return text.Length == 0 ? "model" : text;
    }
}
